#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/audit/core/log_audit.h"
#include "services/audit/core/projection_check.h"

namespace gridcase::audit {

// The outcome of one audit: what the log says and how the projections compare with it.
struct AuditReport {
  std::vector<std::string> topics;  // Case topics read (their dead-letter topics are read too).
  LogFindings log;
  ProjectionFindings projections;
  std::string projection_error;  // Set when the projections could not be checked (e.g. an event cannot apply).
  int rounds = 1;                // Audits run, more than one while settling.
  absl::Duration elapsed;

  // Any broken invariant: forks, gaps, bad starts, duplicate submissions, projection differences, stuck or ahead
  // cases, duplicate alarms, or projections that could not be checked. Duplicate copies, poison and parked cases
  // are reported only.
  bool Violated() const;
};

// A human summary: one line per count, then each finding (at most `max_items` per kind).
std::string SummaryText(const AuditReport& report, int max_items = 20);

// The summary as one line of JSON (no newline), for scripts and fault-test harnesses: every count, "ok", and the
// findings (at most `max_items` per kind; the counts are always complete).
std::string SummaryJson(const AuditReport& report, int max_items = 100);

}  // namespace gridcase::audit
