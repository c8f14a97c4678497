// Cases per second through the whole 六单联办 chain, submit → resolved, with a scripted handler issuing every command
// over gRPC, against intake and dispatch processes on the real Kafka broker and redis-server. Prints throughput and
// latency percentiles, and in the same run the raw path it rests on: sequential acks=all produces and Redis EVALs.
// Every call carries a real token of the fleet's issuers (ServiceFleet::Channel): the submission as a 12345 operator,
// each command as the handler it names.
//
// Run through scripts/bench (which starts Kafka and Redis and sets GRIDCASE_KAFKA_BROKERS / GRIDCASE_REDIS_ADDR).
// Flags: --cases=N (default 400) --workers=N (default 8).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/chain_driver.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "tests/support/service_fleet.h"

ABSL_FLAG(int, cases, 400, "Cases to drive through the chain");
ABSL_FLAG(int, workers, 8, "Concurrent scripted handlers");
ABSL_FLAG(bool, tls, false,
          "Runs the services on TLS (certificates of a CA of the bench's own) and the clients over TLS");

namespace gridcase {
namespace {

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

struct CaseRun {
  bool ok = false;
  double seconds = 0;
  std::vector<double> command_seconds;
};

CaseRun DriveOne(v1::IntakeService::Stub& intake, v1::DispatchService::Stub& dispatch, int n) {
  bench::ChainCase driven = bench::DriveCase(intake, dispatch, absl::StrCat("bench-", getpid(), "-", n), n);
  if (!driven.ok && !driven.error.empty()) std::fprintf(stderr, "case failed: %s\n", driven.error.c_str());
  return {.ok = driven.ok, .seconds = driven.seconds, .command_seconds = std::move(driven.command_seconds)};
}

// The floor under each case: 6 events, each one acks=all produce and one Redis script, done one after another.
void MeasureRawPath(double* produce_p50, double* eval_p50) {
  const auto& infra = testing::TestInfra();
  std::string topic = testing::UniqueName("bench-raw");
  (void)kafka::EnsureTopics(infra.kafka_brokers, {{.name = topic, .partitions = 3}});
  auto producer = kafka::Producer::Create({.brokers = infra.kafka_brokers});
  auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  redis::Script script("local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0') "
                       "redis.call('HSET', KEYS[1], 'v', v + 1, 'case', ARGV[1]) return v + 1");
  std::string payload(600, 'x');
  std::vector<double> produces;
  std::vector<double> evals;
  for (int i = 0; i < 500; ++i) {
    absl::Time t = absl::Now();
    (void)(*producer)->Produce(topic, absl::StrCat("case-", i % 50), payload);
    produces.push_back(absl::ToDoubleSeconds(absl::Now() - t));
    t = absl::Now();
    (void)(*redis)->Eval(script, {absl::StrCat(topic, ":", i % 50)}, {payload});
    evals.push_back(absl::ToDoubleSeconds(absl::Now() - t));
  }
  *produce_p50 = Percentile(produces, 0.5);
  *eval_p50 = Percentile(evals, 0.5);
}

int Run() {
  int cases = absl::GetFlag(FLAGS_cases);
  int workers = absl::GetFlag(FLAGS_workers);
  testing::ServiceFleet fleet("chain-bench");
  if (absl::Status s = absl::GetFlag(FLAGS_tls) ? fleet.UseTls() : absl::OkStatus(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  if (absl::Status s = fleet.Start("dispatch"); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  if (absl::Status s = fleet.Start("intake"); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  // Warm-up: the consumer groups join and the producers learn every stage topic's partitions before timing starts.
  {
    auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
    auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
    for (int i = 0; i < 3; ++i) {
      if (!DriveOne(*intake, *dispatch, -1 - i).ok) {
        std::fprintf(stderr, "warm-up case failed\n");
        return 1;
      }
    }
  }
  std::atomic<int> next{0};
  std::vector<std::vector<CaseRun>> results(workers);
  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
      auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
      for (int n = next++; n < cases; n = next++) results[w].push_back(DriveOne(*intake, *dispatch, n));
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = absl::ToDoubleSeconds(absl::Now() - start);

  std::vector<double> case_seconds;
  std::vector<double> command_seconds;
  int failed = 0;
  for (const auto& worker : results) {
    for (const CaseRun& run : worker) {
      if (!run.ok) {
        ++failed;
        continue;
      }
      case_seconds.push_back(run.seconds);
      command_seconds.insert(command_seconds.end(), run.command_seconds.begin(), run.command_seconds.end());
    }
  }
  double produce_p50 = 0;
  double eval_p50 = 0;
  MeasureRawPath(&produce_p50, &eval_p50);
  double raw_case = 6 * (produce_p50 + eval_p50);

  std::printf("\nchain benchmark: %d cases, %d scripted handlers, submit → verify → escalate → dispatch → accept → "
              "resolve\n", cases, workers);
  std::printf("  %-44s %10.1f cases/s (%d failed)\n", "throughput through the whole chain",
              case_seconds.size() / elapsed, failed);
  std::printf("  %-44s %10.1f events/s\n", "case events written (6 per case)", 6 * case_seconds.size() / elapsed);
  std::printf("  %-44s %10.2f ms p50  %8.2f ms p99\n", "submit → resolved, per case",
              1e3 * Percentile(case_seconds, 0.5), 1e3 * Percentile(case_seconds, 0.99));
  std::printf("  %-44s %10.2f ms p50  %8.2f ms p99\n", "one handler command (ExecuteCommand)",
              1e3 * Percentile(command_seconds, 0.5), 1e3 * Percentile(command_seconds, 0.99));
  std::printf("  %-44s %10.2f ms p50\n", "raw: one acks=all produce, same broker", 1e3 * produce_p50);
  std::printf("  %-44s %10.2f ms p50\n", "raw: one Redis EVAL, same server", 1e3 * eval_p50);
  std::printf("  %-44s %10.2f    (case p50 / 6 × (produce + eval) p50 = %.2f ms)\n",
              "ratio to the raw sequential path", Percentile(case_seconds, 0.5) / raw_case, 1e3 * raw_case);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gridcase

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return gridcase::Run();
}
