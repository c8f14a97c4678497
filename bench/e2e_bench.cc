// End-to-end throughput with the whole system running: Kafka, Redis and all four services (dispatch, intake, sla,
// feedback) from the build tree, as the demo runs them, every call carrying a real token.
//
//   0. Settling: closed-loop load for --settle, unmeasured and drained, so that the JVM has compiled the broker's hot
//      paths before any step is timed.
//   1. Open loop: SubmitCase at fixed offered rates (--rates), each for --warmup + --duration; latency is measured
//      from the moment each call was due to be sent, so a slow system cannot hide its queueing (no coordinated
//      omission). p50/p99/p999 per rate.
//   2. Closed loop: --max_in_flight calls kept outstanding for --max_duration: the sustained maximum, with each
//      process's resident set at its start and end.
//   3. The chain: --chain_workers scripted handlers drive cases submit → verify → escalate → dispatch → accept →
//      resolve for --chain_duration.
//   4. The raw ceiling, in the same run: as many records as the closed-loop run acknowledged, produced asynchronously
//      and pipelined with libs/kafka's producer (same settings as intake's, a real record of intake's copied: size
//      and headers), while the same Redis work per case (the scripts and commands intake runs for one submission,
//      see RawRedisWork) is sent as pipelined EVALSHA — no gridcase code in between. ratio = ours ÷ raw.
//
// After each load step the bench waits until the consumers (dispatch, sla, feedback) have drained what was written
// and reports their records/s. CPU seconds of every process (services, Kafka, Redis, the bench itself as the load
// generator, and the rest of the machine) come from /proc, per case acknowledged in the step.
//
// Prints a table, writes <out_dir>/e2e.json and <out_dir>/e2e.svg (throughput–latency curve).
// Run through `scripts/bench e2e` (which starts Kafka and Redis); a short run:
//   scripts/bench e2e -- --duration=10s --rates=1000,2000,5000 --max_duration=10s --chain_duration=5s
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_infra.h"
#include "bench/chain_driver.h"
#include "bench/curve_svg.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "nlohmann/json.hpp"
#include "tests/support/service_fleet.h"

ABSL_FLAG(std::string, kafka_brokers, "",
          "Kafka to use (with --redis_addr); empty: $GRIDCASE_KAFKA_BROKERS, or start one");
ABSL_FLAG(std::string, redis_addr, "",
          "Redis to use (with --kafka_brokers); empty: $GRIDCASE_REDIS_ADDR, or start one");
ABSL_FLAG(std::string, infra_dir, "",
          "State directory of the Kafka and Redis in use (for their pids; default: $GRIDCASE_INFRA_DIR), or where "
          "to start them");
ABSL_FLAG(std::vector<std::string>, rates, std::vector<std::string>({"1000", "2000", "5000", "10000", "20000"}),
          "Open-loop offered rates, cases/s; one step each (empty: no open-loop steps)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "Measured time of each open-loop step");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "Unmeasured load before each step's measured window");
ABSL_FLAG(absl::Duration, settle, absl::Seconds(15),
          "Unmeasured closed-loop load before the first step, so that no step measures a cold broker (the JVM "
          "compiles Kafka's hot paths in its first seconds of load) or cold caches");
ABSL_FLAG(absl::Duration, max_duration, absl::Seconds(60),
          "Measured time of the closed-loop maximum, the sustained run (0: skip it)");
ABSL_FLAG(int, max_in_flight, 256, "Calls kept outstanding in the closed-loop run");
ABSL_FLAG(absl::Duration, chain_duration, absl::Seconds(20), "Time of the whole-chain run (0: skip it)");
ABSL_FLAG(int, chain_workers, 32, "Concurrent scripted handlers in the chain run");
ABSL_FLAG(int, channels, 4, "gRPC connections the load generator spreads its calls over");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(30),
          "Longest wait, after each step, for the consumers to drain what it wrote");
ABSL_FLAG(int64_t, raw_cases, 0, "Cases of the raw ceiling run (0: as many as the closed-loop run acknowledged, "
                                 "at least 20000)");
ABSL_FLAG(std::string, service_flags, "",
          "Extra flags for all four services, separated by spaces (e.g. --kafka_consumer_props=fetch.wait.max.ms=100)");
ABSL_FLAG(std::string, intake_flags, "", "Extra flags for intake (e.g. --submit_threads=64)");
ABSL_FLAG(std::string, dispatch_flags, "", "Extra flags for dispatch");
ABSL_FLAG(std::string, sla_flags, "", "Extra flags for sla");
ABSL_FLAG(std::string, feedback_flags, "", "Extra flags for feedback");
ABSL_FLAG(std::string, out_dir, "", "Where e2e.json and e2e.svg are written (default: <build>/bench)");
ABSL_FLAG(std::string, log_level, "info", "The services' --log_level (their logs: <build>/test-logs/e2e-bench-*)");

namespace gridcase {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kServices[] = {"dispatch", "intake", "sla", "feedback"};
constexpr const char* kConsumers[] = {"dispatch", "sla", "feedback"};

// What residents write; each submission adds its number, so that none is similar enough to be linked as a duplicate.
constexpr const char* kTexts[] = {
    "路灯不亮已经三天了，晚上出行不安全", "小区门口井盖松动，车辆经过有异响", "楼下餐馆油烟直排，影响居民开窗通风",
    "道路有坑洼积水，电动车容易摔倒",     "夜间施工噪声扰民，凌晨还在作业",   "垃圾清运不及时，堆积发臭招苍蝇",
    "违章停车堵塞消防通道，救护车进不来", "绿化带树木倒伏压在人行道上",
};

// RESOURCE_EXHAUSTED and the like, for the failure counts.
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The processes whose CPU and memory the bench reports; pid -1 when unknown.
struct Processes {
  std::map<std::string, int> pids;  // intake, dispatch, sla, feedback, kafka, redis, bench.

  std::map<std::string, double> Cpu() const {
    std::map<std::string, double> cpu;
    for (const auto& [name, pid] : pids) cpu[name] = bench::ProcessCpuSeconds(pid);
    return cpu;
  }
  std::map<std::string, double> Rss() const {
    std::map<std::string, double> rss;
    for (const auto& [name, pid] : pids) rss[name] = bench::ProcessRssMb(pid);
    return rss;
  }
};

// One load step's outcome.
struct Step {
  std::string mode;       // "open" or "closed".
  double offered = 0;     // Open loop: cases/s asked for.
  int in_flight = 0;      // Closed loop: calls kept outstanding.
  double seconds = 0;     // Measured window.
  int64_t ok = 0;         // Acknowledged calls due in the measured window.
  int64_t failed = 0;
  int64_t not_sent = 0;   // Open loop: calls the generator could not send on time (more than kMaxOutstanding out).
  int64_t step_ok = 0;    // Acknowledged calls of the whole step, warm-up included (CPU is divided by these).
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  std::string first_error;
  std::map<std::string, int64_t> failed_by_code;  // Failed calls due in the measured window, by gRPC status code.
  std::map<std::string, double> cpu_us_per_case;  // Per process, plus "other" (the rest of the machine).
  double machine_busy = 0;                         // Busy fraction of all CPUs over the step.
  std::map<std::string, double> rss_mb;            // At the end of the step.
  std::map<std::string, double> rss_mb_start;      // At the start of the step.
  std::map<std::string, double> consumed_per_s;    // Records each consumer group stored offsets for, per second.
  double drain_seconds = 0;                        // From the end of the load until every consumer was idle.
  bool drained = true;

  double rate() const { return seconds > 0 ? ok / seconds : 0; }
};

// Issues SubmitCase calls asynchronously and records their outcomes. Thread-safe.
class SubmitLoad {
 public:
  static constexpr int64_t kMaxOutstanding = 20000;

  SubmitLoad(const testing::ServiceFleet& fleet, int channels)
      : authorization_(fleet.identity().ServiceAuthorization("app")) {
    for (int c = 0; c < std::max(1, channels); ++c) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // A connection of its own per channel.
      stubs_.push_back(v1::IntakeService::NewStub(grpc::CreateCustomChannel(
          absl::StrCat("127.0.0.1:", fleet.grpc_port("intake")), fleet.ClientCredentials("app"), args)));
    }
    prefix_ = testing::UniqueName("e2e-");
  }

  // Open loop at `rate` for warmup + duration.
  Step Open(double rate, absl::Duration warmup, absl::Duration duration) {
    Begin(warmup, duration);
    Step step{.mode = "open", .offered = rate};
    const Clock::time_point start = Clock::now();
    const Clock::duration interval =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1 / rate));
    int64_t sent = 0;
    while (true) {
      Clock::time_point due = start + sent * interval;
      if (due >= stop_at_) break;
      Clock::time_point now = Clock::now();
      if (due > now) {
        std::this_thread::sleep_for(std::min<Clock::duration>(due - now, std::chrono::milliseconds(1)));
        continue;
      }
      // Every call due by now goes out now, each timed from when it was due.
      while (due <= now && due < stop_at_) {
        if (outstanding_.load() >= kMaxOutstanding) {
          if (due >= measure_from_) ++step.not_sent;
        } else {
          Issue(due, /*again=*/false);
        }
        ++sent;
        due = start + sent * interval;
      }
    }
    return Finish(std::move(step));
  }

  // Closed loop: `in_flight` calls outstanding for warmup + duration.
  Step Closed(int in_flight, absl::Duration warmup, absl::Duration duration) {
    Begin(warmup, duration);
    {
      absl::MutexLock lock(&mu_);
      closed_ = true;
    }
    Step step{.mode = "closed", .in_flight = in_flight};
    for (int i = 0; i < in_flight; ++i) Issue(Clock::now(), /*again=*/true);
    return Finish(std::move(step));
  }

 private:
  struct Call {
    grpc::ClientContext context;
    v1::SubmitCaseRequest request;
    v1::SubmitCaseResponse response;
    Clock::time_point due;
  };

  void Begin(absl::Duration warmup, absl::Duration duration) {
    absl::MutexLock lock(&mu_);
    latencies_ms_.clear();
    ok_ = failed_ = step_ok_ = 0;
    first_error_.clear();
    failed_by_code_.clear();
    closed_ = false;
    measure_from_ = Clock::now() + absl::ToChronoNanoseconds(warmup);
    stop_at_ = measure_from_ + absl::ToChronoNanoseconds(duration);
    window_ = absl::ToDoubleSeconds(duration);
  }

  Step Finish(Step step) {
    // Calls still out end within their deadline (10 s).
    const Clock::time_point give_up = std::max(Clock::now(), stop_at_) + std::chrono::seconds(15);
    while (Clock::now() < stop_at_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    {
      absl::MutexLock lock(&mu_);
      closed_ = false;
    }
    while (outstanding_.load() > 0 && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    absl::MutexLock lock(&mu_);
    std::sort(latencies_ms_.begin(), latencies_ms_.end());
    step.seconds = window_;
    step.ok = ok_;
    step.failed = failed_;
    step.step_ok = step_ok_;
    step.first_error = first_error_;
    step.failed_by_code = failed_by_code_;
    step.p50_ms = Percentile(latencies_ms_, 0.5);
    step.p99_ms = Percentile(latencies_ms_, 0.99);
    step.p999_ms = Percentile(latencies_ms_, 0.999);
    step.max_ms = latencies_ms_.empty() ? 0 : latencies_ms_.back();
    return step;
  }

  // Sends one call due at `due`; with `again`, a call that ends before the closed loop stops sends the next at once.
  void Issue(Clock::time_point due, bool again) {
    int64_t n = counter_++;
    auto* call = new Call();
    call->due = due;
    call->context.AddMetadata("authorization", authorization_);
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    Fill(n, call->request);
    ++outstanding_;
    stubs_[n % stubs_.size()]->async()->SubmitCase(
        &call->context, &call->request, &call->response, [this, call, again](grpc::Status status) {
          const Clock::time_point end = Clock::now();
          bool next = false;
          {
            absl::MutexLock lock(&mu_);
            std::string error;
            if (!status.ok()) {
              error = absl::StrCat(status.error_code(), " ", status.error_message());
            } else if (!call->response.linked_to_case_id().empty()) {
              error = "linked as a duplicate: nothing published";
            }
            if (error.empty()) ++step_ok_;
            if (call->due >= measure_from_ && call->due < stop_at_) {
              if (error.empty()) {
                ++ok_;
                latencies_ms_.push_back(1e3 * Seconds(end - call->due));
              } else {
                ++failed_;
                ++failed_by_code_[status.ok() ? std::string("LINKED") : CodeName(status.error_code())];
                if (first_error_.empty()) first_error_ = error;
              }
            }
            next = again && closed_ && end < stop_at_;
          }
          delete call;
          if (next) Issue(Clock::now(), again);
          --outstanding_;
        });
  }

  // A submission at a random point of the county's map (30.25–30.35 N, 120.05–120.25 E).
  void Fill(int64_t n, v1::SubmitCaseRequest& r) {
    thread_local std::mt19937_64 rng(std::hash<std::thread::id>()(std::this_thread::get_id()));
    std::uniform_real_distribution<double> lat(30.2505, 30.3495);
    std::uniform_real_distribution<double> lng(120.0505, 120.2495);
    r.set_idempotency_key(absl::StrCat(prefix_, n));
    r.set_channel(v1::CHANNEL_APP);
    r.set_text(absl::StrCat(kTexts[n % std::size(kTexts)], "（第", n, "号反映）"));
    r.mutable_point()->set_lat(lat(rng));
    r.mutable_point()->set_lng(lng(rng));
    r.mutable_resident()->set_name("压测居民");
    r.mutable_resident()->set_phone(absl::StrCat("139", 10000000 + n % 90000000));
  }

  std::string authorization_;
  std::string prefix_;
  std::vector<std::unique_ptr<v1::IntakeService::Stub>> stubs_;
  std::atomic<int64_t> counter_{0};
  std::atomic<int64_t> outstanding_{0};
  absl::Mutex mu_;
  Clock::time_point measure_from_;
  Clock::time_point stop_at_;
  double window_ = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<double> latencies_ms_ ABSL_GUARDED_BY(mu_);
  int64_t ok_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t step_ok_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> failed_by_code_ ABSL_GUARDED_BY(mu_);
};

// Records the consumers have stored offsets for, per service.
std::map<std::string, double> Consumed(const testing::ServiceFleet& fleet) {
  std::map<std::string, double> consumed;
  for (const char* service : kConsumers) {
    consumed[service] = fleet.Metric(service, "gridcase_kafka_records_consumed_total");
  }
  return consumed;
}

// Runs `load` and measures around it: CPU per process from before the load until the consumers drained, consumer
// rates, resident sets.
Step Measure(const testing::ServiceFleet& fleet, const Processes& processes, const std::function<Step()>& load) {
  std::map<std::string, double> cpu_before = processes.Cpu();
  std::map<std::string, double> rss_before = processes.Rss();
  bench::MachineCpu machine_before = bench::MachineCpuSeconds();
  std::map<std::string, double> consumed_before = Consumed(fleet);
  const Clock::time_point start = Clock::now();
  Step step = load();
  const Clock::time_point load_end = Clock::now();
  // Drained: no consumer's count moved for 1 s.
  std::map<std::string, double> consumed = Consumed(fleet);
  Clock::time_point last_change = load_end;
  const Clock::time_point give_up = load_end + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_drain_timeout));
  while (Clock::now() - last_change < std::chrono::seconds(1)) {
    if (Clock::now() > give_up) {
      step.drained = false;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::map<std::string, double> now = Consumed(fleet);
    if (now != consumed) {
      consumed = now;
      last_change = Clock::now();
    }
  }
  step.drain_seconds = Seconds(last_change - load_end);
  const double busy_seconds = Seconds(last_change - start);
  for (const auto& [service, count] : consumed) {
    step.consumed_per_s[service] = busy_seconds > 0 ? (count - consumed_before[service]) / busy_seconds : 0;
  }
  std::map<std::string, double> cpu_after = processes.Cpu();
  bench::MachineCpu machine_after = bench::MachineCpuSeconds();
  double ours = 0;
  const double cases = std::max<int64_t>(1, step.step_ok);
  for (const auto& [name, seconds] : cpu_after) {
    double used = seconds - cpu_before[name];
    ours += used;
    step.cpu_us_per_case[name] = 1e6 * used / cases;
  }
  step.cpu_us_per_case["other"] = 1e6 * std::max(0.0, machine_after.busy - machine_before.busy - ours) / cases;
  const double total = machine_after.total - machine_before.total;
  step.machine_busy = total > 0 ? (machine_after.busy - machine_before.busy) / total : 0;
  step.rss_mb_start = rss_before;
  step.rss_mb = processes.Rss();
  return step;
}

// The Redis work intake does for one submission, as scripts and commands of the same shape on keys of the same
// shape: reserve (idempotency record, day counter, case index), the resident's data key (SADD + HSET), the
// duplicate lookup (ZREVRANGEBYSCORE), save the event, mark it published, remember it for duplicates (ZADD,
// ZREMRANGEBYSCORE, PEXPIRE, SET).
class RawRedisWork {
 public:
  RawRedisWork()
      : reserve_(R"lua(
local r = redis.call('HMGET', KEYS[1], 'case_id', 'state', 'event', 'linked_to', 'fingerprint', 'owner',
                     'lease_until', 'created_by', 'linking', 'answer')
if r[1] then return {'pending', r[1]} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000
if redis.call('GET', KEYS[3]) ~= ARGV[3] then redis.call('SET', KEYS[3], ARGV[3], 'EX', 259200) end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 259200)
local id = 'GC-' .. ARGV[1] .. '-' .. string.format('%06d', n)
redis.call('HSET', KEYS[1], 'case_id', id, 'state', 'pending', 'fingerprint', ARGV[2], 'owner', ARGV[2],
           'lease_until', now + 10000, 'created_by', ARGV[2])
redis.call('EXPIRE', KEYS[1], 2592000)
redis.call('SET', KEYS[4] .. id, KEYS[1])
redis.call('EXPIRE', KEYS[4] .. id, 2592000)
return {'pending', id}
)lua"),
        save_(R"lua(
local r = redis.call('HMGET', KEYS[1], 'owner', 'event', 'state')
if r[2] then return {1, r[2]} end
redis.call('HSET', KEYS[1], 'event', ARGV[1])
redis.call('HDEL', KEYS[1], 'linking')
return {1, ARGV[1]}
)lua"),
        published_(R"lua(
local id = redis.call('HGET', KEYS[1], 'case_id')
redis.call('HSET', KEYS[1], 'state', 'published')
redis.call('HDEL', KEYS[1], 'owner', 'lease_until', 'linking')
return 1
)lua") {}

  const std::vector<const redis::Script*> scripts() const { return {&reserve_, &save_, &published_}; }

  // The commands of case `n`, appended to `commands`.
  void Append(const std::string& prefix, int64_t n, const std::string& event, std::vector<redis::Command>& out) const {
    std::string idem = absl::StrCat(prefix, "raw:idem:{APP:k", n, "}");
    std::string recent = absl::StrCat(prefix, "raw:recent:{3301990010010", n % 8, "}:municipal.street-light");
    std::string case_id = absl::StrCat("GC-20261130-", n);
    std::string ms = absl::StrCat(1764460800000 + n);
    out.push_back({"EVALSHA", reserve_.sha(), "4", idem, absl::StrCat(prefix, "raw:seq:20261130"),
                   absl::StrCat(prefix, "raw:seq-seed:20261130"), absl::StrCat(prefix, "raw:case:"), "20261130",
                   "fingerprint-0123456789abcdef0123456789abcdef", "run"});
    out.push_back({"SADD", absl::StrCat(prefix, "raw:resident:", n % 1000), absl::StrCat(case_id, "|k1")});
    out.push_back({"HSET", absl::StrCat(prefix, "raw:keys:{", case_id, "}"), "k1", std::string(60, 'w')});
    out.push_back({"ZREVRANGEBYSCORE", recent, "+inf", ms, "LIMIT", "0", "50"});
    out.push_back({"EVALSHA", save_.sha(), "1", idem, event});
    out.push_back({"EVALSHA", published_.sha(), "1", idem});
    out.push_back({"ZADD", recent, ms, case_id});
    out.push_back({"ZREMRANGEBYSCORE", recent, "-inf", absl::StrCat(1764460800000 + n - 60000)});
    out.push_back({"PEXPIRE", recent, "259200000"});
    out.push_back({"SET", absl::StrCat(prefix, "raw:recent-text:{", case_id, "}"), std::string(90, 't'), "PX",
                   "259200000"});
  }

 private:
  redis::Script reserve_;
  redis::Script save_;
  redis::Script published_;
};

struct RawCeiling {
  int64_t cases = 0;
  double seconds = 0;        // Until both the records and the Redis work were done.
  double kafka_seconds = 0;  // The records alone (produced at the same time as the Redis work).
  double redis_seconds = 0;
  int64_t failed = 0;
  std::string first_error;
  std::map<std::string, int64_t> failed_by_code;  // Failed calls due in the measured window, by gRPC status code.
  std::map<std::string, double> cpu_us_per_case;

  double rate() const { return seconds > 0 ? cases / seconds : 0; }
};

RawCeiling MeasureRaw(const std::string& prefix, const kafka::Message& like, int64_t cases,
                      const Processes& processes) {
  RawCeiling raw{.cases = cases};
  const testing::Infra& infra = testing::TestInfra();
  std::string topic = absl::StrCat(prefix, "bench.raw");
  if (absl::Status s = kafka::EnsureTopics(infra.kafka_brokers, {{.name = topic, .partitions = 3}}); !s.ok()) {
    raw.first_error = s.ToString();
    return raw;
  }
  // The producer intake uses (libs/kafka: idempotent, acks=all, linger.ms=2).
  auto producer = kafka::Producer::Create({.brokers = infra.kafka_brokers, .client_id = "gridcase-bench"});
  auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port, .connections = 2});
  if (!producer.ok() || !redis.ok()) {
    raw.first_error = !producer.ok() ? producer.status().ToString() : redis.status().ToString();
    return raw;
  }
  RawRedisWork work;
  for (const redis::Script* script : work.scripts()) (void)(*redis)->Run({"SCRIPT", "LOAD", script->source()});
  // The producer learns the topic's partitions before timing starts.
  (void)(*producer)->Produce(topic, "warm-up", like.value, like.headers);

  std::map<std::string, double> cpu_before = processes.Cpu();
  std::atomic<int64_t> failed{0};
  absl::Mutex error_mu;
  auto note = [&](const absl::Status& s) {
    ++failed;
    absl::MutexLock lock(&error_mu);
    if (raw.first_error.empty()) raw.first_error = s.ToString();
  };
  const Clock::time_point start = Clock::now();
  std::thread kafka_part([&] {
    for (int64_t n = 0; n < cases; ++n) {
      absl::Status s = (*producer)->ProduceAsync(topic, absl::StrCat("GC-20261130-", n), like.value, like.headers,
                                                 [&](absl::Status delivered) {
                                                   if (!delivered.ok()) note(delivered);
                                                 });
      if (!s.ok()) note(s);
    }
    if (absl::Status s = (*producer)->Flush(absl::Minutes(2)); !s.ok()) note(s);
    raw.kafka_seconds = Seconds(Clock::now() - start);
  });
  // Two connections, each a thread sending 64 cases a round trip, so the server never waits for one client.
  std::atomic<int64_t> next_chunk{0};
  constexpr int64_t kCasesPerRoundTrip = 64;
  auto redis_sender = [&] {
    std::string event(like.value.size(), 'e');
    std::vector<redis::Command> commands;
    for (int64_t first = kCasesPerRoundTrip * next_chunk++; first < cases; first = kCasesPerRoundTrip * next_chunk++) {
      commands.clear();
      for (int64_t n = first; n < std::min(cases, first + kCasesPerRoundTrip); ++n) {
        work.Append(prefix, n, event, commands);
      }
      if (auto replies = (*redis)->Pipeline(commands); !replies.ok()) note(replies.status());
    }
  };
  std::thread redis_part([&] {
    std::thread second(redis_sender);
    redis_sender();
    second.join();
    raw.redis_seconds = Seconds(Clock::now() - start);
  });
  kafka_part.join();
  redis_part.join();
  raw.seconds = Seconds(Clock::now() - start);
  raw.failed = failed;
  std::map<std::string, double> cpu_after = processes.Cpu();
  for (const char* name : {"kafka", "redis", "bench"}) {
    raw.cpu_us_per_case[name] = 1e6 * (cpu_after[name] - cpu_before[name]) / std::max<int64_t>(1, cases);
  }
  // What the raw run wrote is not gridcase's: drop the keys.
  (void)(*redis)->Eval(redis::Script("local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do "
                                     "redis.call('DEL', k) n = n + 1 end return n"),
                       {}, {absl::StrCat(prefix, "raw:*")});
  return raw;
}

struct ChainRun {
  int64_t cases = 0;
  int64_t failed = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  double command_p50_ms = 0, command_p99_ms = 0;
  double projection_p50_ms = 0, projection_p99_ms = 0;
  std::string first_error;

  double rate() const { return seconds > 0 ? cases / seconds : 0; }
};

ChainRun MeasureChain(const testing::ServiceFleet& fleet, int workers, absl::Duration duration) {
  ChainRun run;
  const absl::Time stop_at = absl::Now() + duration;
  std::atomic<int> next{0};
  absl::Mutex mu;
  std::vector<double> case_ms;
  std::vector<double> command_ms;
  std::vector<double> projection_ms;
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  std::string key_prefix = testing::UniqueName("e2e-chain-");
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
      auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
      while (absl::Now() < stop_at) {
        int n = next++;
        bench::ChainCase c = bench::DriveCase(*intake, *dispatch, absl::StrCat(key_prefix, n), n);
        absl::MutexLock lock(&mu);
        if (!c.ok) {
          ++run.failed;
          if (run.first_error.empty()) run.first_error = c.error;
          continue;
        }
        ++run.cases;
        case_ms.push_back(1e3 * c.seconds);
        for (double s : c.command_seconds) command_ms.push_back(1e3 * s);
        projection_ms.push_back(1e3 * c.projection_seconds);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  run.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::sort(case_ms.begin(), case_ms.end());
  std::sort(command_ms.begin(), command_ms.end());
  std::sort(projection_ms.begin(), projection_ms.end());
  run.p50_ms = Percentile(case_ms, 0.5);
  run.p99_ms = Percentile(case_ms, 0.99);
  run.command_p50_ms = Percentile(command_ms, 0.5);
  run.command_p99_ms = Percentile(command_ms, 0.99);
  run.projection_p50_ms = Percentile(projection_ms, 0.5);
  run.projection_p99_ms = Percentile(projection_ms, 0.99);
  return run;
}

nlohmann::json StepJson(const Step& s) {
  return {{"mode", s.mode},
          {"offered_per_s", s.offered},
          {"in_flight", s.in_flight},
          {"cases_per_s", s.rate()},
          {"ok", s.ok},
          {"failed", s.failed},
          {"not_sent", s.not_sent},
          {"p50_ms", s.p50_ms},
          {"p99_ms", s.p99_ms},
          {"p999_ms", s.p999_ms},
          {"max_ms", s.max_ms},
          {"first_error", s.first_error},
          {"cpu_us_per_case", s.cpu_us_per_case},
          {"machine_busy", s.machine_busy},
          {"rss_mb", s.rss_mb},
          {"rss_mb_start", s.rss_mb_start},
          {"consumed_per_s", s.consumed_per_s},
          {"drain_seconds", s.drain_seconds},
          {"drained", s.drained}};
}

// Appends the flags of `spaced` (separated by spaces) to `args`.
void AppendFlags(const std::string& spaced, std::vector<std::string>& args) {
  for (absl::string_view flag : absl::StrSplit(spaced, ' ', absl::SkipEmpty())) args.emplace_back(flag);
}

std::string Fixed(double v, int digits) { return absl::StrFormat("%.*f", digits, v); }

void PrintSteps(const std::vector<Step>& steps) {
  std::printf("| %-6s | %8s | %9s | %8s | %7s | %8s | %8s | %8s | %9s | %9s | %9s | %7s |\n", "load", "offered",
              "cases/s", "ok", "failed", "p50 ms", "p99 ms", "p999 ms", "dispatch/s", "sla/s", "feedback/s",
              "drain s");
  std::printf("|--------|----------|-----------|----------|---------|----------|----------|----------|-----------|"
              "-----------|-----------|---------|\n");
  for (const Step& s : steps) {
    std::string load = s.mode == "open" ? "open" : absl::StrCat("max", s.in_flight);
    std::printf("| %-6s | %8s | %9.0f | %8lld | %7lld | %8.2f | %8.2f | %8.2f | %9.0f | %9.0f | %9.0f | %6.1f%s |\n",
                load.c_str(), s.mode == "open" ? Fixed(s.offered, 0).c_str() : "-", s.rate(),
                static_cast<long long>(s.ok), static_cast<long long>(s.failed + s.not_sent), s.p50_ms, s.p99_ms,
                s.p999_ms, s.consumed_per_s.at("dispatch"), s.consumed_per_s.at("sla"),
                s.consumed_per_s.at("feedback"), s.drain_seconds, s.drained ? "" : "+");
  }
  std::printf("\nCPU µs per acknowledged case, by process (\"other\": the rest of the machine), and machine busy\n\n");
  std::vector<std::string> names = {"intake", "dispatch", "sla", "feedback", "kafka", "redis", "bench", "other"};
  std::printf("| %-6s | %8s |", "load", "offered");
  for (const std::string& n : names) std::printf(" %8s |", n.c_str());
  std::printf(" %8s | %6s |\n", "total", "busy");
  std::printf("|--------|----------|");
  for (size_t i = 0; i < names.size() + 1; ++i) std::printf("----------|");
  std::printf("--------|\n");
  for (const Step& s : steps) {
    std::string load = s.mode == "open" ? "open" : absl::StrCat("max", s.in_flight);
    std::printf("| %-6s | %8s |", load.c_str(), s.mode == "open" ? Fixed(s.offered, 0).c_str() : "-");
    double total = 0;
    for (const std::string& n : names) {
      auto it = s.cpu_us_per_case.find(n);
      double v = it == s.cpu_us_per_case.end() ? 0 : it->second;
      total += v;
      std::printf(" %8.0f |", v);
    }
    std::printf(" %8.0f | %5.0f%% |\n", total, 100 * s.machine_busy);
  }
}

int Main() {
  if (std::getenv("GRIDCASE_SOURCE_DIR") == nullptr) setenv("GRIDCASE_SOURCE_DIR", GRIDCASE_BENCH_SOURCE_DIR, 1);
  if (std::getenv("GRIDCASE_BINARY_DIR") == nullptr) setenv("GRIDCASE_BINARY_DIR", GRIDCASE_BENCH_BINARY_DIR, 1);
  std::vector<double> rates;
  for (const std::string& r : absl::GetFlag(FLAGS_rates)) {
    double rate = 0;
    if (!absl::SimpleAtod(r, &rate) || rate < 1 || rate > 1e6) {
      std::fprintf(stderr, "--rates: '%s' is not a rate 1..1000000\n", r.c_str());
      return 2;
    }
    rates.push_back(rate);
  }
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const absl::Duration warmup = absl::GetFlag(FLAGS_warmup);
  if (duration <= absl::ZeroDuration() || warmup < absl::ZeroDuration() || absl::GetFlag(FLAGS_max_in_flight) < 1 ||
      absl::GetFlag(FLAGS_chain_workers) < 1) {
    std::fprintf(stderr, "--duration must be positive, --warmup not negative, --max_in_flight and --chain_workers "
                         "at least 1\n");
    return 2;
  }
  bench::BenchInfra infra;
  if (absl::Status s = infra.Prepare(absl::GetFlag(FLAGS_kafka_brokers), absl::GetFlag(FLAGS_redis_addr),
                                     absl::GetFlag(FLAGS_infra_dir));
      !s.ok()) {
    std::fprintf(stderr, "e2e_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  std::string infra_dir = absl::GetFlag(FLAGS_infra_dir).empty() ? infra.dir() : absl::GetFlag(FLAGS_infra_dir);
  const testing::Infra& where = testing::TestInfra();

  testing::ServiceFleet fleet("e2e-bench");
  std::vector<std::string> common = {absl::StrCat("--log_level=", absl::GetFlag(FLAGS_log_level))};
  for (const char* service : kServices) {
    std::vector<std::string> args = common;
    std::string name = service;
    AppendFlags(absl::GetFlag(FLAGS_service_flags), args);
    if (name == "intake") {
      // Only identical texts count as duplicates: every submission opens a case and publishes its event.
      args.push_back("--duplicate_similarity=1");
      AppendFlags(absl::GetFlag(FLAGS_intake_flags), args);
    }
    if (name == "dispatch") {
      AppendFlags(absl::GetFlag(FLAGS_dispatch_flags), args);
    }
    if (name == "sla") {
      AppendFlags(absl::GetFlag(FLAGS_sla_flags), args);
    }
    if (name == "feedback") {
      args.push_back(absl::StrCat("--dispatch_addr=127.0.0.1:", fleet.grpc_port("dispatch")));
      args.push_back(absl::StrCat("--http_addr=127.0.0.1:", testing::FreePort()));
      AppendFlags(absl::GetFlag(FLAGS_feedback_flags), args);
    }
    std::fprintf(stderr, "starting %s ...\n", service);
    if (absl::Status s = fleet.Start(service, args); !s.ok()) {
      std::fprintf(stderr, "e2e_bench: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  Processes processes;
  for (const char* service : kServices) processes.pids[service] = fleet.pid(service);
  processes.pids["bench"] = getpid();
  processes.pids["kafka"] = infra_dir.empty() ? -1 : bench::PidFromFile(absl::StrCat(infra_dir, "/kafka/pid"));
  if (auto redis = redis::RedisClient::Create({.host = where.redis.host, .port = where.redis.port}); redis.ok()) {
    if (auto info = (*redis)->Run({"INFO", "server"}); info.ok()) {
      size_t at = info->str.find("process_id:");
      if (at != std::string::npos) processes.pids["redis"] = std::atoi(info->str.c_str() + at + 11);
    }
  }
  for (const auto& [name, pid] : processes.pids) {
    if (pid <= 0) std::fprintf(stderr, "e2e_bench: no pid for %s: its CPU and memory are not reported\n", name.c_str());
  }

  SubmitLoad load(fleet, absl::GetFlag(FLAGS_channels));
  // Warm-up: the producers learn the stage topics' partitions and the consumer groups settle before timing starts;
  // then full load for --settle, drained before the first step.
  std::fprintf(stderr, "warm-up ...\n");
  (void)load.Open(200, absl::ZeroDuration(), absl::Seconds(3));
  if (const absl::Duration settle = absl::GetFlag(FLAGS_settle); settle > absl::ZeroDuration()) {
    std::fprintf(stderr, "settling, closed loop for %s ...\n", absl::FormatDuration(settle).c_str());
    (void)Measure(fleet, processes, [&] { return load.Closed(absl::GetFlag(FLAGS_max_in_flight), settle, absl::Seconds(1)); });
  }

  std::vector<Step> steps;
  for (double rate : rates) {
    std::fprintf(stderr, "open loop at %.0f cases/s ...\n", rate);
    steps.push_back(Measure(fleet, processes, [&] { return load.Open(rate, warmup, duration); }));
  }
  std::optional<Step> sustained;
  const absl::Duration max_duration = absl::GetFlag(FLAGS_max_duration);
  if (max_duration > absl::ZeroDuration()) {
    std::fprintf(stderr, "closed loop, %d in flight, %s ...\n", absl::GetFlag(FLAGS_max_in_flight),
                 absl::FormatDuration(max_duration).c_str());
    sustained = Measure(fleet, processes,
                        [&] { return load.Closed(absl::GetFlag(FLAGS_max_in_flight), warmup, max_duration); });
    steps.push_back(*sustained);
  }
  std::optional<ChainRun> chain;
  if (absl::GetFlag(FLAGS_chain_duration) > absl::ZeroDuration()) {
    std::fprintf(stderr, "whole chain, %d handlers ...\n", absl::GetFlag(FLAGS_chain_workers));
    chain = MeasureChain(fleet, absl::GetFlag(FLAGS_chain_workers), absl::GetFlag(FLAGS_chain_duration));
  }

  events::Topics topics(fleet.prefix());
  auto sample = bench::SampleRecord(where.kafka_brokers, topics.intake());
  if (!sample.ok()) {
    std::fprintf(stderr, "e2e_bench: no record of intake's to copy: %s\n", sample.status().ToString().c_str());
    return 1;
  }
  int64_t raw_cases = absl::GetFlag(FLAGS_raw_cases);
  if (raw_cases <= 0) {
    int64_t acknowledged = 0;
    for (const Step& s : steps) acknowledged = std::max(acknowledged, s.ok);
    raw_cases = std::max<int64_t>(20000, acknowledged);
  }
  std::fprintf(stderr, "raw ceiling, %lld cases ...\n", static_cast<long long>(raw_cases));
  RawCeiling raw = MeasureRaw(fleet.prefix(), *sample, raw_cases, processes);

  // The best throughput gridcase sustained: the closed-loop run, or an open-loop step that kept up (at most 1 % of
  // its calls failed or went unsent).
  double best = sustained.has_value() ? sustained->rate() : 0;
  for (const Step& s : steps) {
    if (s.mode == "open" && s.failed + s.not_sent <= 0.01 * (s.ok + s.failed + s.not_sent)) {
      best = std::max(best, s.rate());
    }
  }
  std::optional<double> p99_at_5000;
  for (const Step& s : steps) {
    if (s.mode == "open" && s.offered == 5000) p99_at_5000 = s.p99_ms;
  }
  const Step& last = steps.empty() ? Step() : steps.back();

  size_t header_bytes = 0;
  for (const kafka::Header& h : sample->headers) header_bytes += h.key.size() + h.value.size();
  std::printf("\ne2e throughput — all four services, Kafka %s, Redis %s, 3 partitions, %u cores; record: key %zu B, "
              "value %zu B, headers %zu B\n\n",
              where.kafka_brokers.c_str(), where.redis_addr.c_str(), std::thread::hardware_concurrency(),
              sample->key.size(), sample->value.size(), header_bytes);
  PrintSteps(steps);
  std::printf("\n| %-52s | %12s |\n", "summary", "");
  std::printf("|------------------------------------------------------|--------------|\n");
  std::printf("| %-52s | %12.0f |\n", "cases/s (best sustained)", best);
  std::printf("| %-52s | %12.0f |\n", "raw ceiling cases/s (records + Redis work, pipelined)", raw.rate());
  std::printf("| %-52s | %12.0f |\n", "  raw records alone, /s",
              raw.kafka_seconds > 0 ? raw.cases / raw.kafka_seconds : 0);
  std::printf("| %-52s | %12.0f |\n", "  raw Redis work alone, cases/s",
              raw.redis_seconds > 0 ? raw.cases / raw.redis_seconds : 0);
  std::printf("| %-52s | %11.1f%% |\n", "ratio", 100 * best / std::max(1.0, raw.rate()));
  std::printf("| %-52s | %12s |\n", "p99 ms at 5000/s", p99_at_5000 ? Fixed(*p99_at_5000, 2).c_str() : "-");
  if (chain.has_value()) {
    std::printf("| %-52s | %12.1f |\n", "chain cases/s (submit → resolved)", chain->rate());
    std::printf("| %-52s | %12s |\n", "chain case p50 / p99 ms",
                absl::StrCat(Fixed(chain->p50_ms, 0), " / ", Fixed(chain->p99_ms, 0)).c_str());
    std::printf("| %-52s | %12s |\n", "chain command p50 / p99 ms",
                absl::StrCat(Fixed(chain->command_p50_ms, 1), " / ", Fixed(chain->command_p99_ms, 1)).c_str());
    std::printf("| %-52s | %12s |\n", "chain submit → projected p50 / p99 ms",
                absl::StrCat(Fixed(chain->projection_p50_ms, 1), " / ", Fixed(chain->projection_p99_ms, 1)).c_str());
  }
  std::printf("\nresident set MiB at the end (closed loop: start → end)\n\n");
  for (const auto& [name, mb] : last.rss_mb) {
    auto start = last.rss_mb_start.find(name);
    std::printf("  %-9s %8.1f", name.c_str(), mb);
    if (sustained.has_value() && start != last.rss_mb_start.end()) std::printf("   (%.1f → %.1f)", start->second, mb);
    std::printf("\n");
  }
  std::printf("\n");
  for (const Step& s : steps) {
    if (!s.first_error.empty()) {
      std::printf("first error at %s %s: %s\n", s.mode.c_str(),
                  s.mode == "open" ? Fixed(s.offered, 0).c_str() : Fixed(s.in_flight, 0).c_str(),
                  s.first_error.c_str());
      std::printf("  failed by code:");
      for (const auto& [code, n] : s.failed_by_code) std::printf(" %s %lld", code.c_str(), static_cast<long long>(n));
      std::printf("\n");
    }
  }
  if (raw.failed > 0) {
    std::printf("raw run: %lld failed: %s\n", static_cast<long long>(raw.failed), raw.first_error.c_str());
  }
  if (chain.has_value() && chain->failed > 0) {
    std::printf("chain: %lld failed: %s\n", static_cast<long long>(chain->failed), chain->first_error.c_str());
  }

  nlohmann::json out = {
      {"cases_per_s", best},
      {"raw_cases_per_s", raw.rate()},
      {"ratio", best / std::max(1.0, raw.rate())},
      {"p99_ms_at_5000", p99_at_5000 ? nlohmann::json(*p99_at_5000) : nlohmann::json(nullptr)},
      {"chain_cases_per_s", chain ? nlohmann::json(chain->rate()) : nlohmann::json(nullptr)},
      {"rss_mb", last.rss_mb},
      {"steps", nlohmann::json::array()},
      {"raw",
       {{"cases", raw.cases},
        {"seconds", raw.seconds},
        {"records_per_s", raw.kafka_seconds > 0 ? raw.cases / raw.kafka_seconds : 0},
        {"redis_cases_per_s", raw.redis_seconds > 0 ? raw.cases / raw.redis_seconds : 0},
        {"failed", raw.failed},
        {"cpu_us_per_case", raw.cpu_us_per_case}}},
      {"record",
       {{"key_bytes", sample->key.size()}, {"value_bytes", sample->value.size()}, {"header_bytes", header_bytes}}},
      {"cores", std::thread::hardware_concurrency()},
  };
  if (sustained.has_value()) out["sustained"] = StepJson(*sustained);
  if (chain.has_value()) {
    out["chain"] = {{"cases", chain->cases},   {"failed", chain->failed},   {"seconds", chain->seconds},
                    {"p50_ms", chain->p50_ms}, {"p99_ms", chain->p99_ms}, {"command_p50_ms", chain->command_p50_ms},
                    {"command_p99_ms", chain->command_p99_ms}, {"projection_p50_ms", chain->projection_p50_ms},
                    {"projection_p99_ms", chain->projection_p99_ms}};
  }
  for (const Step& s : steps) out["steps"].push_back(StepJson(s));
  std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) out_dir = testing::BinaryPath("bench");
  std::filesystem::create_directories(out_dir);
  std::ofstream(absl::StrCat(out_dir, "/e2e.json")) << out.dump(2) << "\n";

  std::vector<bench::CurvePoint> points;
  for (const Step& s : steps) {
    points.push_back({.label = s.mode == "open" ? absl::StrCat(Fixed(s.offered, 0), "/s")
                                                : absl::StrCat("max ", s.in_flight),
                      .cases_per_s = s.rate(),
                      .p50_ms = s.p50_ms,
                      .p99_ms = s.p99_ms,
                      .p999_ms = s.p999_ms});
  }
  std::ofstream(absl::StrCat(out_dir, "/e2e.svg"))
      << bench::ThroughputLatencySvg(points, raw.rate(),
                                     absl::StrFormat("gridcase SubmitCase, all four services, %u cores: throughput "
                                                     "against latency (raw ceiling %.0f cases/s)",
                                                     std::thread::hardware_concurrency(), raw.rate()));
  std::printf("wrote %s/e2e.json and %s/e2e.svg\n", out_dir.c_str(), out_dir.c_str());
  return 0;
}

}  // namespace
}  // namespace gridcase

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return gridcase::Main();
}
