#include "services/dispatch/rebuild.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/events/codec.h"
#include "libs/kafka/topic_reader.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/projection_consumer.h"

namespace gridcase::dispatch {
namespace {

// Every key of one kind under a prefix: "<prefix>dispatch:<kind>:{…}".
absl::StatusOr<std::set<std::string>> ScanUnits(redis::RedisClient* redis, const events::Keys& keys,
                                                const std::string& kind) {
  std::set<std::string> units;
  std::string head = absl::StrCat(keys.prefix(), "dispatch:", kind, ":{");
  std::string cursor = "0";
  do {
    auto reply = redis->Run({"SCAN", cursor, "MATCH", head + "*", "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    cursor = reply->elements[0].str;
    for (const redis::Reply& key : reply->elements[1].elements) {
      units.insert(key.str.substr(head.size(), key.str.size() - head.size() - 1));
    }
  } while (cursor != "0");
  return units;
}

// Cases projected at once. Each case's events are applied in order by one worker; different cases touch only their
// own keys and their own members of the shared sets (case index, work queues), so any interleaving of cases leaves
// the same projections.
constexpr int kWorkers = 64;

// Runs `project(i)` for i in [0, count) on kWorkers threads, calling `tick(done)` on the calling thread about every
// 100 ms while they run. Stops handing out work after the first error, which it returns.
absl::Status ProjectInParallel(size_t count, const std::function<absl::Status(size_t)>& project,
                               const std::function<void(int64_t)>& tick) {
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::condition_variable all_finished;
  int finished = 0;  // Guarded by mu.
  absl::Status error;  // Guarded by mu: the first error.
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        absl::Status s = project(i);
        if (!s.ok()) {
          std::lock_guard lock(mu);
          if (error.ok()) error = s;
          next = count;
          break;
        }
        ++done;
      }
      std::lock_guard lock(mu);
      if (++finished == kWorkers) all_finished.notify_one();
    });
  }
  {
    std::unique_lock lock(mu);
    while (!all_finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished == kWorkers; })) {
      lock.unlock();
      tick(done.load());
      lock.lock();
    }
  }
  for (std::thread& worker : workers) worker.join();
  tick(done.load());
  return error;
}

}  // namespace

absl::StatusOr<RebuildReport> RebuildProjections(const kafka::Cluster& brokers, const events::Topics& topics,
                                                 redis::RedisClient* redis, const events::Keys& target,
                                                 const std::function<void(const RebuildProgress&)>& progress) {
  auto report_progress = [&](RebuildProgress::Phase phase, int64_t done, int64_t total) {
    if (progress) progress({.phase = phase, .done = done, .total = total});
  };
  auto existing = redis->Run({"EXISTS", target.AllCases()});
  if (!existing.ok()) return existing.status();
  if (existing->integer != 0) {
    return absl::FailedPreconditionError(absl::StrCat("target prefix '", target.prefix(), "' already holds projections"));
  }
  RebuildReport report;
  std::map<std::string, std::vector<v1::CaseEvent>> by_case;
  std::vector<v1::CaseEvent> advisory;
  int64_t records = 0;
  absl::Status read = kafka::ReadTopics(brokers, topics.CaseTopics(), [&](const kafka::Message& m) {
    if (++records % 1000 == 0) report_progress(RebuildProgress::Phase::kReading, records, 0);
    auto event = events::ParseEvent(m.value);
    if (!event.ok()) return absl::OkStatus();  // Poison records were dead-lettered live too.
    if (event->case_version() > 0) {
      ++report.versioned_events;
      by_case[event->case_id()].push_back(*std::move(event));
    } else if (m.topic == topics.sla()) {
      ++report.advisory_events;
      advisory.push_back(*std::move(event));
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  report_progress(RebuildProgress::Phase::kReading, records, 0);
  const int64_t cases = static_cast<int64_t>(by_case.size());
  report_progress(RebuildProgress::Phase::kProjecting, 0, cases);

  RedisProjectionStore store(redis, target);
  Projector projector(&store);
  CaseRecordHandler handler(&projector, &store, nullptr);
  std::vector<std::vector<v1::CaseEvent>*> work;
  work.reserve(by_case.size());
  for (auto& [case_id, events] : by_case) work.push_back(&events);
  std::atomic<int64_t> applied{0};
  absl::Status projected = ProjectInParallel(
      work.size(),
      [&](size_t i) {
        std::vector<v1::CaseEvent>& events = *work[i];
        std::stable_sort(events.begin(), events.end(), [](const v1::CaseEvent& a, const v1::CaseEvent& b) {
          return a.case_version() < b.case_version();
        });
        int64_t version = 0;
        for (const v1::CaseEvent& event : events) {
          // A missing version stops the case here, as it stops the live projector: later versions wait for it.
          if (event.case_version() > version + 1) break;
          auto outcome = projector.Project(event);
          if (!outcome.ok()) return outcome.status();
          if (*outcome == ApplyOutcome::kApplied) ++applied;
          version = std::max(version, event.case_version());
        }
        return absl::OkStatus();
      },
      [&](int64_t done) { report_progress(RebuildProgress::Phase::kProjecting, done, cases); });
  if (!projected.ok()) return projected;
  report.applied = applied.load();
  report.cases = cases;

  // Due times after every versioned event, each case's in topic order.
  std::map<std::string, std::vector<const v1::CaseEvent*>> advisory_by_case;
  for (const v1::CaseEvent& event : advisory) advisory_by_case[event.case_id()].push_back(&event);
  std::vector<const std::vector<const v1::CaseEvent*>*> advisory_work;
  for (const auto& [case_id, events] : advisory_by_case) advisory_work.push_back(&events);
  absl::Status advised = ProjectInParallel(
      advisory_work.size(),
      [&](size_t i) {
        for (const v1::CaseEvent* event : *advisory_work[i]) {
          absl::Status s = handler.HandleEvent(*event);
          if (!s.ok() && !absl::IsUnavailable(s)) return s;  // Unavailable: a due time for a case the topics lack.
        }
        return absl::OkStatus();
      },
      [](int64_t) {});
  if (!advised.ok()) return advised;
  return report;
}

absl::StatusOr<Comparison> CompareProjections(redis::RedisClient* redis, const events::Keys& live,
                                              const events::Keys& rebuilt) {
  Comparison result;
  auto live_ids = redis->Run({"ZRANGE", live.AllCases(), "0", "-1", "WITHSCORES"});
  auto rebuilt_ids = redis->Run({"ZRANGE", rebuilt.AllCases(), "0", "-1", "WITHSCORES"});
  if (!live_ids.ok()) return live_ids.status();
  if (!rebuilt_ids.ok()) return rebuilt_ids.status();
  std::map<std::string, std::string> live_cases;
  std::map<std::string, std::string> rebuilt_cases;
  for (size_t i = 0; i + 1 < live_ids->elements.size(); i += 2) {
    live_cases[live_ids->elements[i].str] = live_ids->elements[i + 1].str;
  }
  for (size_t i = 0; i + 1 < rebuilt_ids->elements.size(); i += 2) {
    rebuilt_cases[rebuilt_ids->elements[i].str] = rebuilt_ids->elements[i + 1].str;
  }
  if (live_cases != rebuilt_cases) result.differences.push_back("the case index differs");
  for (const auto& [id, score] : live_cases) {
    ++result.cases;
    auto replies = redis->Pipeline({{"HGETALL", live.CaseView(id)},
                                    {"HGETALL", rebuilt.CaseView(id)},
                                    {"LRANGE", live.Timeline(id), "0", "-1"},
                                    {"LRANGE", rebuilt.Timeline(id), "0", "-1"}});
    if (!replies.ok()) return replies.status();
    auto flatten = [](const redis::Reply& r) {
      std::map<std::string, std::string> fields;
      for (size_t i = 0; i + 1 < r.elements.size(); i += 2) fields[r.elements[i].str] = r.elements[i + 1].str;
      return fields;
    };
    auto strings = [](const redis::Reply& r) {
      std::vector<std::string> out;
      for (const redis::Reply& e : r.elements) out.push_back(e.str);
      return out;
    };
    if (flatten((*replies)[0]) != flatten((*replies)[1])) result.differences.push_back("case view of " + id);
    if (strings((*replies)[2]) != strings((*replies)[3])) result.differences.push_back("timeline of " + id);
  }
  auto live_units = ScanUnits(redis, live, "queue");
  auto rebuilt_units = ScanUnits(redis, rebuilt, "queue");
  if (!live_units.ok()) return live_units.status();
  if (!rebuilt_units.ok()) return rebuilt_units.status();
  std::set<std::string> units = *live_units;
  units.insert(rebuilt_units->begin(), rebuilt_units->end());
  for (const std::string& unit : units) {
    ++result.queues;
    auto replies = redis->Pipeline({{"ZRANGE", live.Queue(unit), "0", "-1", "WITHSCORES"},
                                    {"ZRANGE", rebuilt.Queue(unit), "0", "-1", "WITHSCORES"}});
    if (!replies.ok()) return replies.status();
    std::vector<std::string> a;
    std::vector<std::string> b;
    for (const redis::Reply& e : (*replies)[0].elements) a.push_back(e.str);
    for (const redis::Reply& e : (*replies)[1].elements) b.push_back(e.str);
    if (a != b) result.differences.push_back("work queue of " + unit);
  }
  return result;
}

}  // namespace gridcase::dispatch
