#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "libs/testing/infra.h"

namespace gridcase::testing {

// What an audit of one deployment (its topic and key prefixes) found. Counts are totals over the whole log.
struct AuditFindings {
  bool ran = false;  // The audit could read the log and the projections.
  int forks = 0;     // (case, version) pairs with two different events.
  int gaps = 0;      // Cases whose versions are not 1..max without a hole.
  int duplicate_submitted = 0;  // One (channel, idempotency key) submitted as more than one case, or one case id
                                // submitted twice with different content.
  int64_t duplicate_copies = 0;  // Identical records written again (tolerated: effects are idempotent).
  int alarm_duplicates = 0;      // SLA alarms (warnings, breaches) with more than one record.
  int projection_differences = 0;  // The live projections differ from a rebuild from the log (stuck cases count here).
  int stuck = 0;                   // Cases projected behind the log and not parked (where the auditor tells apart).
  int parked = 0;                  // Parked cases, or records on the dead-letter topics: reported, not a violation.
  int64_t cases = 0;
  std::string summary;  // One line for the report; the first findings when violated.

  bool passed() const {
    return ran && forks == 0 && gaps == 0 && duplicate_submitted == 0 && alarm_duplicates == 0 &&
           projection_differences == 0 && stuck == 0;
  }
};

// Checks gridcase's invariants over the log and the projections of one deployment. Meant to run when the load has
// paused: a projection may trail the log by the time an event takes to apply, which `settle` allows for.
class Auditor {
 public:
  virtual ~Auditor() = default;
  virtual AuditFindings Audit(absl::Duration settle) = 0;
  virtual std::string name() const = 0;
};

// The build's gridcase-audit binary (services/audit/gridcase-audit) when there is one, else the JournalAuditor.
std::unique_ptr<Auditor> MakeAuditor(const Infra& infra, const std::string& topic_prefix,
                                     const std::string& redis_prefix);

// Reads every case topic (tests/support/journal.h's view) and the dead-letter topics, checks forks, gaps, duplicate
// submissions and duplicate alarms itself, and proves the dispatch projections equal to the fold of the log with
// `dispatch-rebuild` into a scratch prefix ("identical"). SLA and feedback projections are not compared.
std::unique_ptr<Auditor> MakeJournalAuditor(const Infra& infra, const std::string& topic_prefix,
                                            const std::string& redis_prefix);

}  // namespace gridcase::testing
