#pragma once

#include <string>

#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "services/dispatch/core/case_machine.h"
#include "services/dispatch/core/command.h"
#include "services/dispatch/core/org_directory.h"

// A small, fixed world for the state machine's tests:
//   county C1: township T1 (community CM1: grids G1, G2; community CM2: grid G3), township T2 (CM3: G4)
//   county C2: township T3 (CM4: G5)
//   departments D-WATER, D-ROADS, D-ENV; catalogue water.leak → D-WATER, road.pothole → D-ROADS,
//   fire.hazard → D-ENV (emergency).
namespace gridcase::dispatch::test_world {

const OrgDirectory& Directory();
const CaseMachine& Machine();

// The time the test world's cases are submitted at.
absl::Time SubmitTime();

v1::Actor GridWorker(const std::string& grid);
v1::Actor CommunityActor(const std::string& community);
v1::Actor TownshipDispatcher(const std::string& unit);
v1::Actor DepartmentHandler(const std::string& department);
v1::Actor Supervisor(const std::string& unit);
v1::Actor System();
v1::Actor HotlineOperator();

// Case c-1, as folded from its CaseSubmitted: in grid G1 of CM1/T1/C1, catalogue item water.leak, category GENERAL
// (suggested).
v1::Case SubmittedCase(bool emergency = false);

// Decides `command` at the case's version, one minute after its last update, and folds the event; a failure fails
// the current test and returns the case unchanged.
v1::Case Step(const v1::Case& current, const Command& command, const v1::Actor& actor);

// A case in `status`, reached from SubmittedCase by the canonical path: verify → (handle locally | escalate) →
// dispatch by catalogue to D-WATER → accept → resolve → rate → close; INVALID and DUPLICATE are marked at the grid.
// CASE_STATUS_UNSPECIFIED gives the empty case.
v1::Case CaseIn(v1::CaseStatus status);

// CaseIn(status) paused by the unit handling it (D-WATER in IN_PROGRESS, CM1 in HANDLING_LOCALLY), where the case may
// wait for the resident.
v1::Case PausedCaseIn(v1::CaseStatus status);

}  // namespace gridcase::dispatch::test_world
