// Intake throughput: cases per second onto Kafka through gRPC SubmitCase with N concurrent clients, p50/p99 submit
// latency, the same through the Open311 gateway (POST /requests.json), and in the same run the raw produce rate of
// libs/kafka's Producer on the same broker (same record size and headers, acks=all), with the ratio between them.
//
// Infrastructure: --kafka_brokers and --redis_addr (or GRIDCASE_KAFKA_BROKERS / GRIDCASE_REDIS_ADDR, as scripts/bench
// sets them); otherwise the bench starts its own Kafka and Redis with scripts/infra in --infra_dir (default: a fresh
// temporary directory) and stops them at the end. intake and dispatch run as processes of the build tree, trusting
// issuers of their own (testing::ServiceFleet); every SubmitCase carries a real token of the app front end.
//
// Flags: --clients=1,8,32 --duration=5s --warmup=1s --raw_messages=100000 --open311_clients=8.
#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/bench_infra.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "services/intake/open311/api_keys.h"
#include "tests/support/service_fleet.h"

ABSL_FLAG(std::string, kafka_brokers, "",
          "Kafka to use (with --redis_addr); empty: $GRIDCASE_KAFKA_BROKERS, or start one");
ABSL_FLAG(std::string, redis_addr, "",
          "Redis to use (with --kafka_brokers); empty: $GRIDCASE_REDIS_ADDR, or start one");
ABSL_FLAG(std::string, infra_dir, "", "State directory for the Kafka and Redis the bench starts (default: temporary)");
ABSL_FLAG(std::vector<std::string>, clients, std::vector<std::string>({"1", "8", "32"}),
          "Concurrent SubmitCase clients; one measured run per value");
ABSL_FLAG(bool, tls, false,
          "Runs the services on TLS (certificates of a CA of the bench's own) and the clients over TLS: gRPC with the "
          "app's client certificate, Open311 over HTTPS");
ABSL_FLAG(int, open311_clients, 8, "Concurrent Open311 clients (0: skip the Open311 run)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Measured time of each run");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Unmeasured time before each run");
ABSL_FLAG(int, raw_messages, 100000, "Records of the raw asynchronous produce run");

namespace gridcase {
namespace {

constexpr char kBenchKey[] = "k-bench-0123456789abcdef";

// What residents write; each submission adds a number, so that no two are similar enough to be linked as duplicates.
constexpr const char* kTexts[] = {
    "路灯不亮已经三天了，晚上出行不安全", "小区门口井盖松动，车辆经过有异响", "楼下餐馆油烟直排，影响居民开窗通风",
    "道路有坑洼积水，电动车容易摔倒",     "夜间施工噪声扰民，凌晨还在作业",   "垃圾清运不及时，堆积发臭招苍蝇",
    "违章停车堵塞消防通道，救护车进不来", "绿化带树木倒伏压在人行道上",
};

struct Run {
  std::string what;
  int clients = 0;
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  std::vector<double> latencies;  // Seconds, successful calls in the measured window.
  std::string first_error;

  double rate() const { return seconds > 0 ? ok / seconds : 0; }
  double Percentile(double p) const {
    if (latencies.empty()) return 0;
    std::vector<double> sorted = latencies;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  }
};

// Runs `call` from `clients` threads for warmup + duration; counts and times the calls that end inside the measured
// window. `call(client, n)` returns an empty string on success, else the error.
Run Load(const std::string& what, int clients, const std::function<std::string(int client, int64_t n)>& call) {
  Run run{.what = what, .clients = clients};
  absl::Time measure_from = absl::Now() + absl::GetFlag(FLAGS_warmup);
  absl::Time stop_at = measure_from + absl::GetFlag(FLAGS_duration);
  // Numbers stay unique across runs, so that no text repeats one of an earlier run (which would be a duplicate).
  static std::atomic<int64_t> counter{0};
  std::vector<Run> per_client(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Run& mine = per_client[c];
      while (true) {
        absl::Time start = absl::Now();
        if (start >= stop_at) break;
        std::string error = call(c, counter++);
        absl::Time end = absl::Now();
        if (start < measure_from || end > stop_at) continue;
        if (error.empty()) {
          ++mine.ok;
          mine.latencies.push_back(absl::ToDoubleSeconds(end - start));
        } else {
          ++mine.failed;
          if (mine.first_error.empty()) mine.first_error = error;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  run.seconds = absl::ToDoubleSeconds(absl::GetFlag(FLAGS_duration));
  for (Run& r : per_client) {
    run.ok += r.ok;
    run.failed += r.failed;
    run.latencies.insert(run.latencies.end(), r.latencies.begin(), r.latencies.end());
    if (run.first_error.empty()) run.first_error = r.first_error;
  }
  return run;
}

// A submission at a random point of the county's map (30.25–30.35 N, 120.05–120.25 E).
v1::SubmitCaseRequest RandomSubmission(std::mt19937_64& rng, const std::string& key_prefix, int64_t n) {
  std::uniform_real_distribution<double> lat(30.2505, 30.3495);
  std::uniform_real_distribution<double> lng(120.0505, 120.2495);
  v1::SubmitCaseRequest r;
  r.set_idempotency_key(absl::StrCat(key_prefix, n));
  r.set_channel(v1::CHANNEL_APP);
  r.set_text(absl::StrCat(kTexts[n % std::size(kTexts)], "（第", n, "号反映）"));
  r.mutable_point()->set_lat(lat(rng));
  r.mutable_point()->set_lng(lng(rng));
  r.mutable_resident()->set_name("压测居民");
  r.mutable_resident()->set_phone(absl::StrCat("139", 10000000 + n % 90000000));
  return r;
}

// Each client is an app front end (the service identity "app", which submits CHANNEL_APP): it holds one token for
// the whole run and sends it with every call, as a front end reuses its token until it expires.
Run IntakeRun(const testing::ServiceFleet& fleet, int clients) {
  std::vector<std::unique_ptr<v1::IntakeService::Stub>> stubs;
  std::vector<std::string> authorizations;
  std::vector<std::mt19937_64> rngs;
  for (int c = 0; c < clients; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // One connection per client.
    stubs.push_back(v1::IntakeService::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", fleet.grpc_port("intake")), fleet.ClientCredentials("app"), args)));
    authorizations.push_back(fleet.identity().ServiceAuthorization("app"));
    rngs.emplace_back(clients * 1000 + c);
  }
  std::string prefix = testing::UniqueName(absl::StrCat("bench-", clients, "-"));
  return Load("intake SubmitCase (gRPC)", clients, [&](int c, int64_t n) -> std::string {
    grpc::ClientContext context;
    context.AddMetadata("authorization", authorizations[c]);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::SubmitCaseResponse response;
    grpc::Status status = stubs[c]->SubmitCase(&context, RandomSubmission(rngs[c], prefix, n), &response);
    if (!status.ok()) return status.error_message();
    if (!response.linked_to_case_id().empty()) return "linked as a duplicate: nothing published";
    return "";
  });
}

Run Open311Run(const testing::ServiceFleet& fleet, int port, int clients) {
  std::vector<std::unique_ptr<httplib::Client>> http;
  std::vector<std::mt19937_64> rngs;
  for (int c = 0; c < clients; ++c) {
    http.push_back(std::make_unique<httplib::Client>(
        absl::StrCat(fleet.tls() ? "https" : "http", "://127.0.0.1:", port)));
    if (fleet.tls()) http.back()->set_ca_cert_path(absl::StrCat(fleet.cert_dir(), "/ca.pem").c_str());
    http.back()->set_read_timeout(30, 0);
    rngs.emplace_back(1000 + c);
  }
  std::string prefix = testing::UniqueName("o311-");
  constexpr const char* kCodes[] = {"street-light", "manhole-cover", "pothole", "noise"};
  return Load("Open311 POST /requests.json", clients, [&](int c, int64_t n) -> std::string {
    v1::SubmitCaseRequest like = RandomSubmission(rngs[c], prefix, n);
    httplib::Params form = {{"api_key", kBenchKey},
                            {"service_code", kCodes[n % std::size(kCodes)]},
                            {"lat", absl::StrCat(like.point().lat())},
                            {"long", absl::StrCat(like.point().lng())},
                            {"description", like.text()},
                            {"phone", like.resident().phone()},
                            {"external_id", like.idempotency_key()}};
    auto result = http[c]->Post("/requests.json", form);
    if (!result) return httplib::to_string(result.error());
    if (result->status != 201) return absl::StrCat(result->status, " ", result->body);
    return "";
  });
}

// acks=all produces from `clients` threads, each waiting for its acknowledgement: what intake's publish step does.
Run RawSyncRun(kafka::Producer& producer, const std::string& topic, const kafka::Message& like, int clients) {
  std::vector<kafka::Header> headers = like.headers;
  return Load("raw Produce, acks=all, waits per record", clients, [&](int c, int64_t n) -> std::string {
    absl::Status s = producer.Produce(topic, absl::StrCat(like.key, n % 1000), like.value, headers);
    return s.ok() ? "" : s.ToString();
  });
}

// Pipelined acks=all produces: the ceiling of this client and broker.
Run RawAsyncRun(kafka::Producer& producer, const std::string& topic, const kafka::Message& like, int messages) {
  Run run{.what = "raw ProduceAsync, acks=all, pipelined", .clients = 1};
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
  absl::Time start = absl::Now();
  for (int n = 0; n < messages; ++n) {
    while (true) {
      absl::Status s = producer.ProduceAsync(topic, absl::StrCat(like.key, n % 1000), like.value, like.headers,
                                             [&](absl::Status delivered) { (delivered.ok() ? ok : failed)++; });
      if (s.ok()) break;
      if (s.code() != absl::StatusCode::kUnavailable && s.code() != absl::StatusCode::kResourceExhausted) {
        ++failed;
        if (run.first_error.empty()) run.first_error = s.ToString();
        break;
      }
      absl::SleepFor(absl::Milliseconds(1));  // Local queue full: let deliveries drain it.
    }
  }
  absl::Status flushed = producer.Flush(absl::Minutes(2));
  run.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  run.ok = ok;
  run.failed = failed;
  if (!flushed.ok() && run.first_error.empty()) run.first_error = flushed.ToString();
  return run;
}

int Main() {
  if (std::getenv("GRIDCASE_SOURCE_DIR") == nullptr) setenv("GRIDCASE_SOURCE_DIR", GRIDCASE_BENCH_SOURCE_DIR, 1);
  if (std::getenv("GRIDCASE_BINARY_DIR") == nullptr) setenv("GRIDCASE_BINARY_DIR", GRIDCASE_BENCH_BINARY_DIR, 1);
  std::vector<int> client_counts;
  for (const std::string& c : absl::GetFlag(FLAGS_clients)) {
    int n = 0;
    if (!absl::SimpleAtoi(c, &n) || n < 1 || n > 1024) {
      std::fprintf(stderr, "--clients: '%s' is not a count 1..1024\n", c.c_str());
      return 2;
    }
    client_counts.push_back(n);
  }
  bench::BenchInfra infra;
  if (absl::Status s = infra.Prepare(absl::GetFlag(FLAGS_kafka_brokers), absl::GetFlag(FLAGS_redis_addr),
                                     absl::GetFlag(FLAGS_infra_dir));
      !s.ok()) {
    std::fprintf(stderr, "intake_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  const testing::Infra& where = testing::TestInfra();

  std::string keys_path = testing::BinaryPath(absl::StrCat("test-logs/", testing::UniqueName("bench-keys"), ".json"));
  std::filesystem::create_directories(std::filesystem::path(keys_path).parent_path());
  std::ofstream(keys_path) << "["
                           << intake::open311::HashedKeyEntry("bench", kBenchKey, "salt-bench-0123456",
                                                              {.rate_per_second = 1000000, .burst = 1000000})
                           << "]";
  int open311_port = testing::FreePort();
  testing::ServiceFleet fleet("intake-bench");
  absl::Status started = absl::GetFlag(FLAGS_tls) ? fleet.UseTls() : absl::OkStatus();
  if (started.ok()) started = fleet.Start("dispatch");
  if (started.ok()) {
    // Only identical texts count as duplicates: every submission opens a case and publishes its event.
    started =
        fleet.Start("intake", {"--duplicate_similarity=1", absl::StrCat("--open311_addr=127.0.0.1:", open311_port),
                               absl::StrCat("--open311_keys=", keys_path)});
  }
  if (!started.ok()) {
    std::fprintf(stderr, "intake_bench: %s\n", started.ToString().c_str());
    return 1;
  }

  std::vector<Run> runs;
  for (int clients : client_counts) {
    std::fprintf(stderr, "intake SubmitCase, %d clients ...\n", clients);
    runs.push_back(IntakeRun(fleet, clients));
  }
  int open311_clients = absl::GetFlag(FLAGS_open311_clients);
  if (open311_clients > 0) {
    std::fprintf(stderr, "Open311 POST /requests.json, %d clients ...\n", open311_clients);
    runs.push_back(Open311Run(fleet, open311_port, open311_clients));
  }

  events::Topics topics(fleet.prefix());
  auto sample = bench::SampleRecord(where.kafka_brokers, topics.intake());
  if (!sample.ok()) {
    std::fprintf(stderr, "intake_bench: no record of intake's to copy: %s\n", sample.status().ToString().c_str());
    return 1;
  }
  std::string raw_topic = absl::StrCat(fleet.prefix(), "bench.raw");
  if (absl::Status s = kafka::EnsureTopics(where.kafka_brokers, {{.name = raw_topic, .partitions = 3}}); !s.ok()) {
    std::fprintf(stderr, "intake_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  // The producer intake uses (libs/kafka: idempotent, acks=all, linger.ms=2).
  auto producer = kafka::Producer::Create({.brokers = where.kafka_brokers, .client_id = "gridcase-bench"});
  if (!producer.ok()) {
    std::fprintf(stderr, "intake_bench: %s\n", producer.status().ToString().c_str());
    return 1;
  }
  std::vector<Run> raw_sync;
  for (int clients : client_counts) {
    std::fprintf(stderr, "raw Produce, %d clients ...\n", clients);
    raw_sync.push_back(RawSyncRun(**producer, raw_topic, *sample, clients));
    runs.push_back(raw_sync.back());
  }
  std::fprintf(stderr, "raw ProduceAsync, %d records ...\n", absl::GetFlag(FLAGS_raw_messages));
  runs.push_back(RawAsyncRun(**producer, raw_topic, *sample, absl::GetFlag(FLAGS_raw_messages)));
  const Run& raw_async = runs.back();

  size_t header_bytes = 0;
  for (const kafka::Header& h : sample->headers) header_bytes += h.key.size() + h.value.size();
  std::printf(
      "\nintake throughput — Kafka %s, Redis %s, 3 partitions, %u cores; record: key %zu B, value %zu B, "
      "headers %zu B\n\n",
      where.kafka_brokers.c_str(), where.redis_addr.c_str(), std::thread::hardware_concurrency(), sample->key.size(),
      sample->value.size(), header_bytes);
  std::printf("| %-40s | %7s | %9s | %6s | %10s | %8s | %8s |\n", "what", "clients", "ok", "failed", "per second",
              "p50 ms", "p99 ms");
  std::printf(
      "|------------------------------------------|---------|-----------|--------|------------|----------|"
      "----------|\n");
  for (const Run& run : runs) {
    bool timed = !run.latencies.empty();
    std::printf("| %-40s | %7d | %9lld | %6lld | %10.0f | %8s | %8s |\n", run.what.c_str(), run.clients,
                static_cast<long long>(run.ok), static_cast<long long>(run.failed), run.rate(),
                timed ? absl::StrFormat("%.2f", 1e3 * run.Percentile(0.5)).c_str() : "-",
                timed ? absl::StrFormat("%.2f", 1e3 * run.Percentile(0.99)).c_str() : "-");
  }
  std::printf("\n| %-40s | %7s | %12s |\n", "intake / raw produce", "clients", "ratio");
  std::printf("|------------------------------------------|---------|--------------|\n");
  for (size_t i = 0; i < client_counts.size(); ++i) {
    std::printf("| %-40s | %7d | %11.1f%% |\n", "intake SubmitCase / raw Produce (waits)", client_counts[i],
                100 * runs[i].rate() / std::max(1.0, raw_sync[i].rate()));
  }
  for (size_t i = 0; i < client_counts.size(); ++i) {
    std::printf("| %-40s | %7d | %11.2f%% |\n", "intake SubmitCase / raw pipelined", client_counts[i],
                100 * runs[i].rate() / std::max(1.0, raw_async.rate()));
  }
  std::printf("\n");
  for (const Run& run : runs) {
    if (!run.first_error.empty()) std::printf("first error of '%s': %s\n", run.what.c_str(), run.first_error.c_str());
  }
  std::filesystem::remove(keys_path);
  return 0;
}

}  // namespace
}  // namespace gridcase

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return gridcase::Main();
}
