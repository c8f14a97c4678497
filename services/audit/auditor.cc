#include "services/audit/auditor.h"

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/kafka/topic_reader.h"
#include "services/audit/core/log_audit.h"
#include "services/audit/core/projection_check.h"
#include "services/dispatch/rebuild.h"
#include "spdlog/spdlog.h"

namespace gridcase::audit {
namespace {

std::string HeaderValue(const kafka::Message& m, const std::string& key) {
  for (const kafka::Header& h : m.headers) {
    if (h.key == key) return h.value;
  }
  return "";
}

absl::StatusOr<LogFindings> ReadLog(const AuditOptions& options) {
  LogAudit audit;
  std::vector<std::string> case_topics = options.topics.CaseTopics();
  absl::Status read = kafka::ReadTopics(options.brokers, case_topics, [&](const kafka::Message& m) {
    audit.AddRecord({.topic = m.topic, .partition = m.partition, .offset = m.offset}, m.value);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  std::vector<std::string> dead_letter_topics;
  for (const std::string& topic : case_topics) dead_letter_topics.push_back(topic + ".dlt");
  read = kafka::ReadTopics(options.brokers, dead_letter_topics, [&](const kafka::Message& m) {
    RecordPosition source{.topic = HeaderValue(m, "gridcase-dlt-topic")};
    if (!absl::SimpleAtoi(HeaderValue(m, "gridcase-dlt-partition"), &source.partition) ||
        !absl::SimpleAtoi(HeaderValue(m, "gridcase-dlt-offset"), &source.offset)) {
      source.topic.clear();
    }
    audit.AddDeadLetter(source);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return audit.Finish();
}

absl::Status DeleteKeys(redis::RedisClient* redis, const std::string& prefix) {
  std::string cursor = "0";
  do {
    auto reply = redis->Run({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    cursor = reply->elements[0].str;
    redis::Command del = {"DEL"};
    for (const redis::Reply& key : reply->elements[1].elements) del.push_back(key.str);
    if (del.size() > 1) {
      if (auto deleted = redis->Run(del); !deleted.ok()) return deleted.status();
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

// The version each case is projected at: every case of the log and of the live case index.
absl::StatusOr<std::map<std::string, int64_t>> ProjectedVersions(redis::RedisClient* redis, const events::Keys& live,
                                                                 const std::map<std::string, int64_t>& logged) {
  std::set<std::string> ids;
  for (const auto& [id, version] : logged) ids.insert(id);
  auto index = redis->Run({"ZRANGE", live.AllCases(), "0", "-1"});
  if (!index.ok()) return index.status();
  for (const redis::Reply& id : index->elements) ids.insert(id.str);
  std::vector<std::string> order(ids.begin(), ids.end());
  std::map<std::string, int64_t> versions;
  constexpr size_t kBatch = 500;
  for (size_t start = 0; start < order.size(); start += kBatch) {
    std::vector<redis::Command> commands;
    for (size_t i = start; i < order.size() && i < start + kBatch; ++i) {
      commands.push_back({"HGET", live.CaseView(order[i]), "version"});
    }
    auto replies = redis->Pipeline(commands);
    if (!replies.ok()) return replies.status();
    for (size_t i = 0; i < replies->size(); ++i) {
      const redis::Reply& reply = (*replies)[i];
      int64_t version = 0;
      if (reply.is_nil() || !absl::SimpleAtoi(reply.str, &version)) continue;
      versions[order[start + i]] = version;
    }
  }
  return versions;
}

absl::StatusOr<AuditReport> AuditOnce(const AuditOptions& options, redis::RedisClient* redis, ParkedCases* parked) {
  AuditReport report;
  report.topics = options.topics.CaseTopics();
  auto log = ReadLog(options);
  if (!log.ok()) return log.status();
  report.log = *std::move(log);

  std::vector<std::string> differences;
  int64_t cases_compared = 0;
  int64_t queues_compared = 0;
  events::Keys scratch(options.scratch_prefix);
  auto rebuilt = dispatch::RebuildProjections(options.brokers, options.topics, redis, scratch);
  if (rebuilt.ok()) {
    auto comparison = dispatch::CompareProjections(redis, options.live, scratch);
    if (!comparison.ok()) return comparison.status();
    differences = comparison->differences;
    cases_compared = comparison->cases;
    queues_compared = comparison->queues;
  } else if (absl::IsUnavailable(rebuilt.status()) || absl::IsFailedPrecondition(rebuilt.status())) {
    return rebuilt.status();  // Kafka or Redis away, or a scratch prefix in use: no audit.
  } else {
    report.projection_error = rebuilt.status().ToString();
  }
  if (absl::Status s = DeleteKeys(redis, options.scratch_prefix); !s.ok()) return s;

  auto projected = ProjectedVersions(redis, options.live, report.log.max_versions);
  if (!projected.ok()) return projected.status();
  auto parked_ids = parked->List();
  if (!parked_ids.ok()) return parked_ids.status();
  report.projections = CheckProjections(report.log.max_versions, *projected, *parked_ids, differences);
  report.projections.cases_compared = cases_compared;
  report.projections.queues_compared = queues_compared;
  return report;
}

bool ProjectionsBehind(const AuditReport& report) {
  const ProjectionFindings& p = report.projections;
  return !p.differences.empty() || !p.stuck.empty() || !p.ahead.empty();
}

}  // namespace

absl::StatusOr<AuditReport> RunAudit(const AuditOptions& options, redis::RedisClient* redis, ParkedCases* parked) {
  if (options.scratch_prefix.empty() || options.scratch_prefix == options.live.prefix()) {
    return absl::InvalidArgumentError("scratch prefix: must be set and differ from the live prefix");
  }
  absl::Time start = absl::Now();
  absl::Time deadline = start + options.settle;
  int rounds = 0;
  while (true) {
    auto report = AuditOnce(options, redis, parked);
    if (!report.ok()) return report.status();
    ++rounds;
    if (!ProjectionsBehind(*report) || absl::Now() + options.settle_poll > deadline) {
      report->rounds = rounds;
      report->elapsed = absl::Now() - start;
      return report;
    }
    spdlog::info("msg=audit_settling round={} stuck={} ahead={} differences={}", rounds,
                 report->projections.stuck.size(), report->projections.ahead.size(),
                 report->projections.differences.size());
    absl::SleepFor(options.settle_poll);
  }
}

}  // namespace gridcase::audit
