#include "services/audit/core/log_audit.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "libs/events/codec.h"

namespace gridcase::audit {

std::string ToString(const RecordPosition& at) { return absl::StrCat(at.topic, "[", at.partition, "]@", at.offset); }

void LogAudit::AddRecord(const RecordPosition& at, absl::string_view value) {
  ++records_;
  auto event = events::ParseEvent(value);
  if (!event.ok()) {
    poison_.push_back({.at = at, .reason = std::string(event.status().message())});
    return;
  }
  EventSighting sighting{.event_id = event->event_id(), .type = events::EventType(*event), .at = at};
  if (event->has_sla_warned() || event->has_sla_breached()) alarms_[event->event_id()].push_back(at);
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest.data());
  CaseLog& log = cases_[event->case_id()];
  if (event->has_submitted()) log.submissions.emplace(digest, sighting);
  if (event->case_version() <= 0) {
    ++advisory_records_;
    return;
  }
  ++versioned_records_;
  Version& version = log.versions[event->case_version()];
  ++version.records;
  version.variants.emplace(digest, std::move(sighting));
}

void LogAudit::AddDeadLetter(const RecordPosition& source) {
  ++dead_letter_records_;
  if (!source.topic.empty()) dead_letter_sources_.insert({source.topic, source.partition, source.offset});
}

LogFindings LogAudit::Finish() const {
  LogFindings f;
  f.records = records_;
  f.versioned_records = versioned_records_;
  f.advisory_records = advisory_records_;
  f.dead_letter_records = dead_letter_records_;
  for (const auto& [case_id, log] : cases_) {
    if (log.submissions.size() > 1) {
      DuplicateSubmission duplicate{.case_id = case_id};
      for (const auto& [digest, sighting] : log.submissions) duplicate.submissions.push_back(sighting);
      f.duplicate_submissions.push_back(std::move(duplicate));
    }
    if (log.versions.empty()) continue;  // Only advisory events: no case history to check.
    int64_t max_version = log.versions.rbegin()->first;
    f.max_versions[case_id] = max_version;
    Gap gap{.case_id = case_id, .max_version = max_version};
    for (int64_t v = 1; v <= max_version; ++v) {
      if (!log.versions.contains(v)) gap.missing.push_back(v);
    }
    if (!gap.missing.empty()) f.gaps.push_back(std::move(gap));
    for (const auto& [v, version] : log.versions) {
      ++f.versions;
      f.duplicate_copies += version.records - static_cast<int64_t>(version.variants.size());
      if (version.variants.size() > 1) {
        Fork fork{.case_id = case_id, .version = v};
        for (const auto& [digest, sighting] : version.variants) fork.variants.push_back(sighting);
        f.forks.push_back(std::move(fork));
      }
    }
    if (auto first = log.versions.find(1); first != log.versions.end()) {
      for (const auto& [digest, sighting] : first->second.variants) {
        if (sighting.type != "submitted") {
          f.bad_starts.push_back({case_id, absl::StrCat("version 1 is ", sighting.type, " (", sighting.event_id,
                                                        ") at ", ToString(sighting.at), ", not submitted")});
        }
      }
    }
    for (const auto& [v, version] : log.versions) {
      if (v == 1) continue;
      for (const auto& [digest, sighting] : version.variants) {
        if (sighting.type == "submitted") {
          f.bad_starts.push_back({case_id, absl::StrCat("submitted (", sighting.event_id, ") at ",
                                                        ToString(sighting.at), " claims version ", v)});
        }
      }
    }
  }
  f.alarms = static_cast<int64_t>(alarms_.size());
  for (const auto& [event_id, records] : alarms_) {
    if (records.size() > 1) f.alarm_duplicates.push_back({event_id, records});
  }
  f.poison = poison_;
  for (PoisonRecord& p : f.poison) {
    p.dead_lettered = dead_letter_sources_.contains({p.at.topic, p.at.partition, p.at.offset});
  }
  return f;
}

}  // namespace gridcase::audit
