#include "tests/fault/auditor.h"

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gridcase/v1/event.pb.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/process.h"
#include "nlohmann/json.hpp"
#include "tests/fault/private_infra.h"

namespace gridcase::testing {
namespace {

class JournalAuditor : public Auditor {
 public:
  JournalAuditor(Infra infra, std::string topic_prefix, std::string redis_prefix)
      : infra_(std::move(infra)), topic_prefix_(std::move(topic_prefix)), redis_prefix_(std::move(redis_prefix)) {}

  std::string name() const override { return "journal + dispatch-rebuild"; }

  AuditFindings Audit(absl::Duration settle) override {
    AuditFindings findings;
    examples_.clear();
    if (!ReadLog(findings)) return findings;
    // The projections: a rebuild into a scratch prefix must be identical. A record being applied while the rebuild
    // reads makes one comparison differ; it is retried until `settle` has passed.
    const absl::Time deadline = absl::Now() + settle;
    std::string last;
    for (int round = 0;; ++round) {
      auto rebuilt = RunCommand(absl::StrCat(
          BinaryPath("services/dispatch/dispatch-rebuild"), " --kafka_brokers=", infra_.kafka_brokers,
          " --redis_addr=", infra_.redis_addr, " --topic_prefix=", topic_prefix_, " --redis_prefix=", redis_prefix_,
          " --target_prefix=", UniqueName("audit-scratch"), "."));
      if (rebuilt.ok() && rebuilt->find("identical") != std::string::npos) {
        findings.projection_differences = 0;
        break;
      }
      last = rebuilt.ok() ? *rebuilt : std::string(rebuilt.status().message());
      findings.projection_differences = 1;
      if (absl::Now() > deadline) break;
      absl::SleepFor(absl::Seconds(1));
    }
    findings.summary = absl::StrCat(findings.cases, " cases, ", findings.forks, " forks, ", findings.gaps, " gaps, ",
                                    findings.duplicate_submitted, " duplicate submitted, ", findings.duplicate_copies,
                                    " duplicate copies, ", findings.alarm_duplicates, " alarm duplicates, ",
                                    findings.parked, " dead-lettered, projections ",
                                    findings.projection_differences == 0 ? "identical to a rebuild" : "differ");
    if (findings.projection_differences != 0) {
      absl::StrAppend(&findings.summary, ": ", last.substr(last.size() > 600 ? last.size() - 600 : 0));
    }
    absl::StrAppend(&findings.summary, examples_);
    return findings;
  }

 private:
  bool ReadLog(AuditFindings& findings) {
    events::Topics topics(topic_prefix_);
    std::map<std::pair<std::string, int64_t>, std::set<std::string>> distinct;
    std::map<std::pair<std::string, int64_t>, int> records;
    std::map<std::string, std::set<std::string>> cases_by_submission;  // "<channel>:<key>" → case ids
    std::map<std::string, int> alarm_records;                           // alarm event id → records
    std::map<std::string, std::set<std::string>> alarm_distinct;
    absl::Status read = kafka::ReadTopics(infra_.kafka_brokers, topics.CaseTopics(), [&](const kafka::Message& m) {
      auto event = events::ParseEvent(m.value);
      if (!event.ok()) return absl::OkStatus();  // Poison: the dead-letter count below tells.
      if (event->case_version() > 0) {
        auto key = std::make_pair(event->case_id(), event->case_version());
        distinct[key].insert(m.value);
        ++records[key];
        if (event->has_submitted()) {
          const v1::Case& initial = event->submitted().initial();
          cases_by_submission[absl::StrCat(v1::Channel_Name(initial.channel()), ":", initial.idempotency_key())]
              .insert(event->case_id());
        }
      } else if (event->has_sla_warned() || event->has_sla_breached()) {
        ++alarm_records[event->event_id()];
        alarm_distinct[event->event_id()].insert(m.value);
      }
      return absl::OkStatus();
    });
    if (!read.ok()) {
      findings.summary = absl::StrCat("cannot read the log: ", read.message());
      return false;
    }
    std::vector<std::string> dlt;
    for (const std::string& topic : topics.CaseTopics()) dlt.push_back(topic + ".dlt");
    int64_t dead_lettered = 0;
    read = kafka::ReadTopics(infra_.kafka_brokers, dlt, [&](const kafka::Message&) {
      ++dead_lettered;
      return absl::OkStatus();
    });
    if (!read.ok()) {
      findings.summary = absl::StrCat("cannot read the dead-letter topics: ", read.message());
      return false;
    }
    findings.ran = true;
    findings.parked = static_cast<int>(dead_lettered);
    std::map<std::string, int64_t> max_version;
    std::map<std::string, int64_t> versions;
    for (const auto& [key, events] : distinct) {
      if (events.size() > 1) {
        ++findings.forks;
        if (examples_.size() < 400) absl::StrAppend(&examples_, "; fork ", key.first, " v", key.second);
      }
      findings.duplicate_copies += records[key] - 1;
      max_version[key.first] = std::max(max_version[key.first], key.second);
      ++versions[key.first];
    }
    findings.cases = static_cast<int64_t>(max_version.size());
    for (const auto& [id, max] : max_version) {
      if (versions[id] != max) {
        ++findings.gaps;
        if (examples_.size() < 400) absl::StrAppend(&examples_, "; gap ", id, " up to v", max);
      }
    }
    for (const auto& [submission, ids] : cases_by_submission) {
      if (ids.size() > 1) {
        ++findings.duplicate_submitted;
        if (examples_.size() < 400) absl::StrAppend(&examples_, "; submitted twice ", submission);
      }
    }
    for (const auto& [id, count] : alarm_records) {
      if (count > 1) {
        ++findings.alarm_duplicates;
        if (examples_.size() < 400) absl::StrAppend(&examples_, "; alarm twice ", id);
      }
    }
    return true;
  }

  Infra infra_;
  std::string topic_prefix_;
  std::string redis_prefix_;
  std::string examples_;
};

// gridcase-audit (services/audit): every invariant, including the SLA and feedback projections and parked cases.
class BinaryAuditor : public Auditor {
 public:
  BinaryAuditor(std::string binary, Infra infra, std::string topic_prefix, std::string redis_prefix)
      : binary_(std::move(binary)),
        infra_(std::move(infra)),
        topic_prefix_(std::move(topic_prefix)),
        redis_prefix_(std::move(redis_prefix)) {}

  std::string name() const override { return "gridcase-audit"; }

  AuditFindings Audit(absl::Duration settle) override {
    AuditFindings findings;
    std::string command = absl::StrCat(binary_, " --kafka_brokers=", infra_.kafka_brokers, " --redis_addr=",
                                       infra_.redis_addr, " --topic_prefix=", topic_prefix_,
                                       " --redis_prefix=", redis_prefix_, " --json --settle=",
                                       absl::ToInt64Milliseconds(settle), "ms 2>/dev/null");
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    size_t n;
    while (pipe != nullptr && (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
    if (pipe != nullptr) pclose(pipe);
    nlohmann::json j = nlohmann::json::parse(output, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      findings.summary = absl::StrCat("gridcase-audit gave no JSON: ", output.substr(0, 400));
      return findings;
    }
    auto count = [&](const char* field) { return j.contains(field) ? j[field].get<int64_t>() : 0; };
    findings.ran = j.value("projection_error", std::string()).empty();
    findings.forks = count("forks");
    findings.gaps = count("gaps") + count("bad_starts");
    findings.duplicate_submitted = count("duplicate_submitted");
    findings.duplicate_copies = count("duplicate_copies");
    findings.alarm_duplicates = count("alarm_duplicates");
    findings.projection_differences = count("projection_differences") + count("ahead");
    findings.stuck = count("stuck");
    findings.parked = count("parked") + count("dead_letter_records");
    findings.cases = count("cases");
    findings.summary = output.substr(0, 1500);
    if (findings.summary.ends_with('\n')) findings.summary.pop_back();
    return findings;
  }

 private:
  std::string binary_;
  Infra infra_;
  std::string topic_prefix_;
  std::string redis_prefix_;
};

}  // namespace

std::unique_ptr<Auditor> MakeJournalAuditor(const Infra& infra, const std::string& topic_prefix,
                                            const std::string& redis_prefix) {
  return std::make_unique<JournalAuditor>(infra, topic_prefix, redis_prefix);
}

std::unique_ptr<Auditor> MakeAuditor(const Infra& infra, const std::string& topic_prefix,
                                     const std::string& redis_prefix) {
  const std::string binary = BinaryPath("services/audit/gridcase-audit");
  if (std::filesystem::exists(binary)) {
    return std::make_unique<BinaryAuditor>(binary, infra, topic_prefix, redis_prefix);
  }
  return MakeJournalAuditor(infra, topic_prefix, redis_prefix);
}

}  // namespace gridcase::testing
