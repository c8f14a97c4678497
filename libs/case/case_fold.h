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
// - Advisory events are not folded: INVALID_ARGUMENT for case_version 0 and for the SLA service's payloads
//   (sla_warned, sla_breached, deadline_set) at any version. Due times reach projections from deadline_set outside
//   the fold.
// - `paused` (挂起: waiting for the resident) is set by CasePaused and cleared by CaseResumed, and also by every event
//   that takes the case from the unit that paused it: resolved, department_transferred, department_returned,
//   community_escalated, an escalation that moves the case to township dispatch, reopened and closed. Other events,
//   including an escalation that leaves a department working on the case, keep it.
// - The returned case has version = event.case_version() and updated_at = event.occurred_at().
absl::StatusOr<v1::Case> ApplyEvent(const v1::Case& current, const v1::CaseEvent& event);

}  // namespace gridcase::cases
