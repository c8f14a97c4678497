#pragma once

#include "absl/status/statusor.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::cases {

// Folds one event into the case it belongs to and returns the case after it: the single definition of what every
// CaseEvent payload does to a Case. Used by every projection and by the rebuild, so that replaying a topic gives the
// same case as the live path.
//
// Contract:
// - `current` is the case at version event.case_version() - 1 (an empty Case for a CaseSubmitted at version 1).
// - Returns FAILED_PRECONDITION when the versions do not line up, INVALID_ARGUMENT when the payload is missing or
//   inconsistent with the case (e.g. a case id mismatch).
// - Advisory events (case_version 0: SLA warnings and breaches) are not folded: INVALID_ARGUMENT.
// - The returned case has version = event.case_version() and updated_at = event.occurred_at().
absl::StatusOr<v1::Case> ApplyEvent(const v1::Case& current, const v1::CaseEvent& event);

}  // namespace gridcase::cases
