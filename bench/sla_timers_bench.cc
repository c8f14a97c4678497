// The SLA service's durable timers at scale: 1,000,000 open timers in a redis-server of its own (scripts/redis),
// driven through the service's own parts. Measures
//   - the raw pipelined ZADD rate of the same Redis, the baseline;
//   - the arm rate (RedisTimerStore::Apply, pipelined scripts) and its ratio to raw ZADD;
//   - Redis memory per open timer (INFO used_memory delta / timers);
//   - firing lateness (p50 / p99 / max) of the real firing path — ClockKeeper arms the alarms of cases submitted over
//     a few seconds, TimerLoop + AlarmFirer fire them — while the million timers stay open;
//   - the time from starting a fresh process to its first firing, and to firing a backlog that came due while no
//     process ran;
//   - the cancel rate (pipelined).
// Kafka is replaced by a sink that only records: the producer's cost is in BUILD-NOTES.md's baselines.
//
//   build/bench/sla_timers_bench [--timers=1000000] [--redis_addr=HOST:PORT (empty)] [--poll=100ms]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/config/config.h"
#include "libs/events/proto_time.h"
#include "libs/redis/redis_client.h"
#include "services/sla/adapters/redis_sla_store.h"
#include "services/sla/adapters/redis_timer_store.h"
#include "services/sla/alarm_firer.h"
#include "services/sla/clock_keeper.h"
#include "services/sla/core/case_clocks.h"
#include "services/sla/timer_loop.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, timers, 1000000, "Open timers to hold");
ABSL_FLAG(std::string, redis_addr, "", "Use this redis-server instead of starting one with scripts/redis");
ABSL_FLAG(absl::Duration, poll, absl::Milliseconds(100), "The fire loop's poll interval (--timer_poll)");
ABSL_FLAG(int, fire_cases, 5000, "Cases submitted during the lateness run (4 alarms each)");
ABSL_FLAG(absl::Duration, fire_span, absl::Seconds(10), "Over how long they are submitted");
ABSL_FLAG(int, backlog_cases, 5000, "Cases whose alarms came due while no process ran (4 each)");
ABSL_FLAG(std::string, restart_probe, "", "Internal: run as the restarted process against HOST:PORT");

namespace gridcase::sla {
namespace {

constexpr char kPrefix[] = "bench.";
constexpr int kBatch = 1000;  // Timers per Apply call; the store pipelines them in script chunks.

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "sla_timers_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T OrDie(absl::StatusOr<T> value, const std::string& what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

void OrDie(const absl::Status& status, const std::string& what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

std::unique_ptr<redis::RedisClient> Connect(const std::string& addr) {
  config::HostPort hp = OrDie(config::ParseHostPort(addr, "--redis_addr"), "redis address");
  return OrDie(redis::RedisClient::Create({.host = hp.host, .port = hp.port, .command_timeout = absl::Seconds(60)}),
               "redis connect");
}

int64_t UsedMemory(redis::RedisClient& redis) {
  std::string info = OrDie(redis.Run({"INFO", "memory"}), "INFO memory").str;
  for (absl::string_view line : absl::StrSplit(info, "\r\n")) {
    if (absl::ConsumePrefix(&line, "used_memory:")) {
      int64_t bytes = 0;
      if (absl::SimpleAtoi(line, &bytes)) return bytes;
    }
  }
  Die("INFO memory has no used_memory");
}

// A member shaped like the service's: "<case id>|<clock>|<cycle>|<alarm>".
std::string Member(int i) {
  static constexpr std::array<const char*, 4> kAlarms = {"warn50", "warn75", "breach", "escalate200"};
  return absl::StrCat("GC-20261123-", 100000 + i / 4, "|completion|1|", kAlarms[i % 4]);
}

double Rate(int64_t count, absl::Duration elapsed) { return count / absl::ToDoubleSeconds(elapsed); }

absl::Duration Percentile(std::vector<absl::Duration> values, double p) {
  if (values.empty()) return absl::ZeroDuration();
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * (values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

// Every case category completes in 10 calendar seconds: warnings at 5 s and 7.5 s, breach at 10 s, the county
// rung at 15 s; sign-off clocks are an hour long and never fire during the run.
constexpr char kPolicy[] = R"json({
  "warning_percents": [50, 75],
  "escalation": [{"level": "GRID", "at_percent": 0, "notify": ["GRID_WORKER"]},
                 {"level": "TOWNSHIP", "at_percent": 100, "notify": ["SUPERVISOR"]},
                 {"level": "COUNTY", "at_percent": 150, "notify": ["SUPERVISOR"]}],
  "categories": {
    "SIMPLE": {"sign_off_calendar_seconds": 3600, "completion_calendar_seconds": 10},
    "GENERAL": {"sign_off_calendar_seconds": 3600, "completion_calendar_seconds": 10},
    "MAJOR": {"sign_off_calendar_seconds": 3600, "completion_calendar_seconds": 10},
    "DIFFICULT": {"sign_off_calendar_seconds": 3600, "completion_calendar_seconds": 10},
    "CROSS_COUNTY": {"sign_off_calendar_seconds": 3600, "completion_calendar_seconds": 10}
  },
  "emergency": {"sign_off_minutes": 60, "completion_minutes": 10}
})json";
constexpr int kAlarmsPerCase = 4;

// Stands in for Kafka: records each published alarm's lateness (publication time - threshold time), and answers
// which alarms it holds for claims that were interrupted (none are in the benchmark's single process).
class RecordingSink : public SlaEventSink, public PublishedAlarms {
 public:
  absl::StatusOr<std::map<std::string, v1::CaseEvent>> Find(const absl::flat_hash_set<std::string>& case_ids,
                                                            const absl::flat_hash_set<std::string>& event_ids,
                                                            absl::Time since) override {
    std::lock_guard lock(mu_);
    std::map<std::string, v1::CaseEvent> found;
    for (const std::string& id : event_ids) {
      if (auto it = published_.find(id); it != published_.end()) found[id] = it->second;
    }
    return found;
  }
  std::vector<absl::Status> PublishAll(const std::vector<v1::CaseEvent>& events) override {
    const absl::Time now = absl::Now();
    std::lock_guard lock(mu_);
    for (const v1::CaseEvent& event : events) {
      if (event.has_sla_warned() || event.has_sla_breached()) {
        lateness_.push_back(now - events::FromProto(event.occurred_at()));
        published_[event.event_id()] = event;
      }
    }
    return std::vector<absl::Status>(events.size());
  }
  std::vector<absl::Duration> lateness() {
    std::lock_guard lock(mu_);
    return lateness_;
  }
  size_t fired() {
    std::lock_guard lock(mu_);
    return lateness_.size();
  }

 private:
  std::mutex mu_;
  std::vector<absl::Duration> lateness_;
  std::map<std::string, v1::CaseEvent> published_;
};

// The service's parts on one Redis connection each for the keeper and the firing loop.
struct Service {
  explicit Service(const std::string& addr)
      : policy(OrDie(ParseSlaPolicy(kPolicy, "bench-policy"), "policy")),
        calendar(OrDie(WorkingCalendar::Create(policy.calendar), "calendar")),
        planner(&policy, &calendar),
        keeper_redis(Connect(addr)),
        firing_redis(Connect(addr)),
        keeper_cases(keeper_redis.get(), SlaKeys(kPrefix)),
        keeper_effects(keeper_redis.get(), SlaKeys(kPrefix)),
        keeper(&planner, &keeper_cases, &keeper_effects, &sink),
        firing_cases(firing_redis.get(), SlaKeys(kPrefix)),
        firing_timers(firing_redis.get(), SlaKeys(kPrefix)),
        firer(&planner, &firing_cases, &sink, &sink, nullptr, [] { return absl::Now(); }),
        loop(&firing_timers, &firer, [] { return absl::Now(); },
             {.poll = absl::GetFlag(FLAGS_poll), .batch = 256, .count_every = absl::ZeroDuration()}) {}

  SlaPolicy policy;
  WorkingCalendar calendar;
  ClockPlanner planner;
  RecordingSink sink;
  std::unique_ptr<redis::RedisClient> keeper_redis;
  std::unique_ptr<redis::RedisClient> firing_redis;
  RedisCaseClockStore keeper_cases;
  RedisClockEffects keeper_effects;
  ClockKeeper keeper;
  RedisCaseClockStore firing_cases;
  RedisTimerStore firing_timers;
  AlarmFirer firer;
  TimerLoop loop;
};

v1::CaseEvent Submitted(const std::string& case_id, absl::Time at) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/1"));
  event.set_case_id(case_id);
  event.set_case_version(1);
  *event.mutable_occurred_at() = events::ToProto(at);
  v1::Case* c = event.mutable_submitted()->mutable_initial();
  c->set_id(case_id);
  c->set_category(v1::CATEGORY_GENERAL);
  c->mutable_location()->set_grid_code("330199001001001");
  return event;
}

// The restarted process: builds the service's parts and fires until `expected` alarms are out; reports on stdout
// when it started, fired its first batch and finished.
int RestartProbe(const std::string& addr, size_t expected) {
  const absl::Time started = absl::Now();
  Service service(addr);
  absl::Time first = absl::InfinitePast();
  while (service.sink.fired() < expected) {
    OrDie(service.loop.RunOnce().status(), "fire");
    if (first == absl::InfinitePast() && service.sink.fired() > 0) first = absl::Now();
  }
  std::printf("started %lld first %lld done %lld\n", static_cast<long long>(absl::ToUnixMicros(started)),
              static_cast<long long>(absl::ToUnixMicros(first)),
              static_cast<long long>(absl::ToUnixMicros(absl::Now())));
  return 0;
}

int Main() {
  std::error_code error;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) Die("cannot read /proc/self/exe");
  const int count = absl::GetFlag(FLAGS_timers);
  std::string addr = absl::GetFlag(FLAGS_redis_addr);
  std::string redis_dir;
  if (addr.empty()) {
    char dir_template[] = "/tmp/sla-bench-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) Die("mkdtemp failed");
    redis_dir = dir_template;
    addr = std::string(
        absl::StripAsciiWhitespace(Run(absl::StrCat(GRIDCASE_SOURCE_DIR, "/scripts/redis start ", redis_dir))));
    if (addr.empty()) Die("scripts/redis start failed");
  }
  auto redis = Connect(addr);
  if (OrDie(redis->Run({"DBSIZE"}), "DBSIZE").integer != 0)
    Die(absl::StrCat(addr, " is not empty: give an empty Redis"));
  const SlaKeys keys(kPrefix);
  RedisTimerStore timers(redis.get(), keys);
  std::printf("sla_timers_bench: %d timers, redis %s%s\n", count, addr.c_str(), redis_dir.empty() ? "" : " (own)");

  // Raw ZADD, pipelined, one member per command.
  absl::Time t = absl::Now();
  for (int begin = 0; begin < count; begin += kBatch) {
    std::vector<redis::Command> commands;
    for (int i = begin; i < std::min(count, begin + kBatch); ++i) {
      commands.push_back({"ZADD", "bench.raw", absl::StrCat(1800000000000 + i), Member(i)});
    }
    OrDie(redis->Pipeline(commands).status(), "raw ZADD");
  }
  const double raw_rate = Rate(count, absl::Now() - t);
  OrDie(redis->Run({"DEL", "bench.raw"}).status(), "DEL");

  // Arm: every timer a year or so ahead, so none fires during the run.
  const int64_t memory_before = UsedMemory(*redis);
  const absl::Time far = absl::Now() + absl::Hours(24 * 365);
  t = absl::Now();
  for (int begin = 0; begin < count; begin += kBatch) {
    std::vector<std::pair<std::string, absl::Time>> arm;
    for (int i = begin; i < std::min(count, begin + kBatch); ++i) arm.emplace_back(Member(i), far + absl::Seconds(i));
    OrDie(timers.Apply(arm, {}).status(), "arm");
  }
  const double arm_rate = Rate(count, absl::Now() - t);
  const int64_t open = OrDie(timers.Count(), "count");
  const double bytes_per_timer = static_cast<double>(UsedMemory(*redis) - memory_before) / open;

  // Firing lateness: cases submitted over `fire_span` through the keeper; the loop fires their alarms.
  const int fire_cases = absl::GetFlag(FLAGS_fire_cases);
  const absl::Duration span = absl::GetFlag(FLAGS_fire_span);
  Service service(addr);
  std::thread firing([&] { service.loop.Run(); });
  const absl::Time fire_start = absl::Now() + absl::Seconds(1);
  t = absl::Now();
  for (int i = 0; i < fire_cases; ++i) {
    OrDie(service.keeper.Handle(Submitted(absl::StrCat("GC-FIRE-", i), fire_start + span * i / fire_cases)), "apply");
  }
  const double apply_rate = Rate(fire_cases, absl::Now() - t);
  while (service.sink.fired() < static_cast<size_t>(fire_cases * kAlarmsPerCase)) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  service.loop.Stop();
  firing.join();
  const std::vector<absl::Duration> lateness = service.sink.lateness();
  for (const absl::Duration& l : lateness) {
    if (l < absl::ZeroDuration()) Die("an alarm fired early");
  }

  // Restart: cases whose clocks ran out a minute ago while no process ran; a fresh process fires their alarms.
  const int backlog_cases = absl::GetFlag(FLAGS_backlog_cases);
  for (int i = 0; i < backlog_cases; ++i) {
    OrDie(service.keeper.Handle(Submitted(absl::StrCat("GC-DOWN-", i), absl::Now() - absl::Seconds(60))), "apply");
  }
  const size_t backlog = static_cast<size_t>(backlog_cases) * kAlarmsPerCase;
  const absl::Time spawned = absl::Now();
  const std::string probe = Run(absl::StrCat(self, " --restart_probe=", addr, " --backlog_cases=", backlog_cases,
                                             " --poll=", absl::FormatDuration(absl::GetFlag(FLAGS_poll))));
  long long started_us = 0, first_us = 0, done_us = 0;
  if (std::sscanf(probe.c_str(), "started %lld first %lld done %lld", &started_us, &first_us, &done_us) != 3) {
    Die(absl::StrCat("restart probe said: ", probe));
  }
  const absl::Duration to_first = absl::FromUnixMicros(first_us) - spawned;
  const absl::Duration to_done = absl::FromUnixMicros(done_us) - spawned;

  // Cancel everything still open, pipelined.
  const int64_t before_cancel = OrDie(timers.Count(), "count");
  t = absl::Now();
  for (int begin = 0; begin < count; begin += kBatch) {
    std::vector<std::string> cancel;
    for (int i = begin; i < std::min(count, begin + kBatch); ++i) cancel.push_back(Member(i));
    OrDie(timers.Apply({}, cancel).status(), "cancel");
  }
  const double cancel_rate = Rate(count, absl::Now() - t);
  const int64_t after_cancel = OrDie(timers.Count(), "count");

  std::printf("\n| measure | value |\n|---|---|\n");
  std::printf("| raw Redis ZADD, pipelined (%d/round trip) | %.0f /s |\n", kBatch, raw_rate);
  std::printf("| arm (RedisTimerStore::Apply, %d/call, scripts of %d pipelined) | %.0f /s |\n", kBatch,
              RedisTimerStore::kArmChunk, arm_rate);
  std::printf("| arm / raw ZADD | %.2f |\n", arm_rate / raw_rate);
  std::printf("| cancel (pipelined, %d/call) | %.0f /s |\n", kBatch, cancel_rate);
  std::printf("| cancel / raw ZADD | %.2f |\n", cancel_rate / raw_rate);
  std::printf("| open timers held | %lld (%lld cancelled, %lld left) |\n", static_cast<long long>(open),
              static_cast<long long>(before_cancel - after_cancel), static_cast<long long>(after_cancel));
  std::printf("| Redis memory per open timer | %.0f bytes |\n", bytes_per_timer);
  std::printf("| case events applied by the keeper (state + DeadlineSet + 7 timers + due index) | %.0f /s |\n",
              apply_rate);
  std::printf("| firing lateness, %d alarms of %d cases over %s, poll %s: p50 | %.1f ms |\n",
              fire_cases * kAlarmsPerCase, fire_cases, absl::FormatDuration(span).c_str(),
              absl::FormatDuration(absl::GetFlag(FLAGS_poll)).c_str(),
              absl::ToDoubleMilliseconds(Percentile(lateness, 0.5)));
  std::printf("| firing lateness p99 | %.1f ms |\n", absl::ToDoubleMilliseconds(Percentile(lateness, 0.99)));
  std::printf("| firing lateness max | %.1f ms |\n", absl::ToDoubleMilliseconds(Percentile(lateness, 1.0)));
  std::printf("| fresh process: start to first firing | %.1f ms |\n", absl::ToDoubleMilliseconds(to_first));
  std::printf("| fresh process: start to %zu due alarms fired | %.1f ms (%.0f /s) |\n", backlog,
              absl::ToDoubleMilliseconds(to_done), Rate(static_cast<int64_t>(backlog), to_done));

  if (!redis_dir.empty()) {
    Run(absl::StrCat(GRIDCASE_SOURCE_DIR, "/scripts/redis stop ", redis_dir, " --purge"));
    std::filesystem::remove_all(redis_dir, error);
  } else {
    OrDie(redis->Run({"FLUSHDB"}).status(), "FLUSHDB");  // It was empty before the run.
  }
  return 0;
}

}  // namespace
}  // namespace gridcase::sla

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string probe = absl::GetFlag(FLAGS_restart_probe);
  spdlog::set_level(spdlog::level::warn);  // One log line per alarm would time the terminal.
  if (!probe.empty()) {
    return gridcase::sla::RestartProbe(
        probe, static_cast<size_t>(absl::GetFlag(FLAGS_backlog_cases)) * gridcase::sla::kAlarmsPerCase);
  }
  return gridcase::sla::Main();
}
