#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/string_view.h"

namespace gridcase::audit {

// Where a record sits in the log: `topic[partition]@offset`.
struct RecordPosition {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};
std::string ToString(const RecordPosition& at);

// One distinct event seen for a (case id, version), or one record of an alarm.
struct EventSighting {
  std::string event_id;
  std::string type;  // The payload's field name ("submitted", "resolved", …).
  RecordPosition at;
};

// Two or more different events claim the same version of one case: the case's history forked.
struct Fork {
  std::string case_id;
  int64_t version = 0;
  std::vector<EventSighting> variants;  // One per distinct serialised event, first sighting of each.
};

// Versions of a case missing below its highest version.
struct Gap {
  std::string case_id;
  int64_t max_version = 0;
  std::vector<int64_t> missing;
};

// A case whose history does not start with exactly one `submitted` event at version 1.
struct BadStart {
  std::string case_id;
  std::string problem;
};

// More than one different `submitted` event for one case id.
struct DuplicateSubmission {
  std::string case_id;
  std::vector<EventSighting> submissions;
};

// An SLA alarm (sla_warned, sla_breached) written more than once.
struct AlarmDuplicate {
  std::string event_id;
  std::vector<RecordPosition> records;
};

// A record of a case topic that is not a CaseEvent (or lacks its ids or payload).
struct PoisonRecord {
  RecordPosition at;
  std::string reason;
  bool dead_lettered = false;  // A record on a dead-letter topic names this position as its source.
};

// What the case topics say, checked for the invariants that need nothing but the records.
struct LogFindings {
  int64_t records = 0;              // Records of the case topics (the SLA topic included).
  int64_t versioned_records = 0;    // Records of case-changing events (version > 0).
  int64_t advisory_records = 0;     // Records of advisory events (version 0).
  int64_t versions = 0;             // Distinct (case id, version) pairs.
  int64_t duplicate_copies = 0;     // Records repeating an earlier record of the same version byte for byte.
  int64_t alarms = 0;               // Distinct alarm event ids.
  int64_t dead_letter_records = 0;  // Records on the dead-letter topics.
  std::map<std::string, int64_t> max_versions;  // Per case id, its highest version in the log.
  std::vector<Fork> forks;
  std::vector<Gap> gaps;
  std::vector<BadStart> bad_starts;
  std::vector<DuplicateSubmission> duplicate_submissions;
  std::vector<AlarmDuplicate> alarm_duplicates;
  std::vector<PoisonRecord> poison;
};

// Folds the records of the case topics into LogFindings. Records may come in any interleaving of topics and
// partitions; the result does not depend on it except for which sighting is listed first. Not thread-safe.
//
// The invariants: one event per (case id, version) ever — an identical copy (same bytes, so same event id), as a
// producer's retry after a crash writes, is tolerated and counted, a different one is a fork; versions 1..max
// present for every case; version 1 is the case's only `submitted` event; every alarm event id written once.
class LogAudit {
 public:
  // A record of a case topic (its value as written).
  void AddRecord(const RecordPosition& at, absl::string_view value);
  // A record of a dead-letter topic, with the position it was dead-lettered from (gridcase-dlt-topic, -partition,
  // -offset headers; empty topic when they are missing).
  void AddDeadLetter(const RecordPosition& source);

  LogFindings Finish() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Version {
    std::map<Digest, EventSighting> variants;
    int64_t records = 0;
  };
  struct CaseLog {
    std::map<int64_t, Version> versions;
    std::map<Digest, EventSighting> submissions;
  };

  std::map<std::string, CaseLog> cases_;
  std::map<std::string, std::vector<RecordPosition>> alarms_;
  std::vector<PoisonRecord> poison_;
  std::set<std::tuple<std::string, int32_t, int64_t>> dead_letter_sources_;
  int64_t records_ = 0;
  int64_t versioned_records_ = 0;
  int64_t advisory_records_ = 0;
  int64_t dead_letter_records_ = 0;
};

}  // namespace gridcase::audit
