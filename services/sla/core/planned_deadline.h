#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "services/sla/core/sla_policy.h"
#include "services/sla/core/working_calendar.h"

namespace gridcase::sla {

// The planned completion (办结) deadline of a case as submitted.
struct PlannedDeadline {
  absl::Time due;
  bool used_fallback = false;  // The calendar had no published arrangement for a year it consulted.
};

// When a case of `category` (emergency or not) submitted at `submitted_at` is due for completion, by the same clock
// the SLA service starts for it: intake reports it as the expected time (Open311 expected_datetime) without a call to
// the SLA service. Pure: depends only on its arguments. INVALID_ARGUMENT for a category the policy does not cover
// (CATEGORY_UNSPECIFIED) or a time that is not finite.
absl::StatusOr<PlannedDeadline> PlannedCompletionDue(const SlaPolicy& policy, const WorkingCalendar& calendar,
                                                     v1::Category category, bool emergency, absl::Time submitted_at);

}  // namespace gridcase::sla
