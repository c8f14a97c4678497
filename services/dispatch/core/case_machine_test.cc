#include "services/dispatch/core/case_machine.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"
#include "services/dispatch/core/test_world.h"

namespace gridcase::dispatch {
namespace {

using test_world::CaseIn;
using test_world::CommunityActor;
using test_world::DepartmentHandler;
using test_world::GridWorker;
using test_world::HotlineOperator;
using test_world::Machine;
using test_world::PausedCaseIn;
using test_world::Step;
using test_world::SubmitTime;
using test_world::SubmittedCase;
using test_world::Supervisor;
using test_world::System;
using test_world::TownshipDispatcher;

absl::StatusOr<v1::CaseEvent> Decide(const v1::Case& c, const Command& command, const v1::Actor& actor) {
  return Machine().Decide(c, command, actor, c.version(), SubmitTime() + absl::Hours(1));
}

absl::StatusCode CodeOf(const v1::Case& c, const Command& command, const v1::Actor& actor) {
  return Decide(c, command, actor).status().code();
}

// Expects INVALID_ARGUMENT whose message starts with `field`.
void ExpectBadField(const v1::Case& c, const Command& command, const v1::Actor& actor, absl::string_view field) {
  absl::Status status = Decide(c, command, actor).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ":"))) << status;
}

v1::Case UngriddedCase() {
  v1::Case c = SubmittedCase();
  c.mutable_location()->clear_grid_code();
  c.mutable_location()->set_needs_manual_grid(true);
  return c;
}

TEST(CaseMachineTest, EventEnvelope) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_SUBMITTED);
  const v1::Actor actor = GridWorker("G1");
  const absl::Time now = SubmitTime() + absl::Minutes(17);
  absl::StatusOr<v1::CaseEvent> event = Machine().Decide(c, VerifyGrid{.note = "seen"}, actor, 1, now);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->event_id(), "c-1/2");
  EXPECT_EQ(event->case_id(), "c-1");
  EXPECT_EQ(event->case_version(), 2);
  EXPECT_EQ(events::FromProto(event->occurred_at()), now);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(event->actor(), actor));
  EXPECT_EQ(event->correlation_id(), "");
  ASSERT_TRUE(event->has_grid_verified());
  EXPECT_EQ(event->grid_verified().grid_code(), "G1");
  EXPECT_EQ(event->grid_verified().community_code(), "CM1");
  EXPECT_EQ(event->grid_verified().township_code(), "T1");
  EXPECT_EQ(event->grid_verified().category(), v1::CATEGORY_GENERAL);
  EXPECT_EQ(event->grid_verified().catalogue_item(), "water.leak");
  EXPECT_EQ(event->grid_verified().note(), "seen");
}

TEST(CaseMachineTest, StaleVersionIsAborted) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_DISPATCHED);
  absl::StatusOr<v1::CaseEvent> event =
      Machine().Decide(c, DepartmentAccept{}, DepartmentHandler("D-WATER"), c.version() - 1, SubmitTime());
  EXPECT_EQ(event.status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(absl::StrContains(event.status().message(), absl::StrCat("expected version ", c.version() - 1)))
      << event.status().message();
  EXPECT_TRUE(absl::StrContains(event.status().message(), absl::StrCat("at version ", c.version())))
      << event.status().message();
  EXPECT_EQ(Machine()
                .Decide(c, DepartmentAccept{}, DepartmentHandler("D-WATER"), c.version() + 1, SubmitTime())
                .status()
                .code(),
            absl::StatusCode::kAborted);
}

TEST(CaseMachineTest, VersionIsCheckedBeforeEverythingElse) {
  // Wrong role and wrong state too, but the stale version is what the caller must fix first.
  const v1::Case c = CaseIn(v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(Machine().Decide(c, VerifyGrid{}, HotlineOperator(), 0, SubmitTime()).status().code(),
            absl::StatusCode::kAborted);
}

TEST(CaseMachineTest, DecideIsPure) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH);
  const v1::Case copy = c;
  absl::StatusOr<v1::CaseEvent> first = Decide(c, TownshipDispatch{}, TownshipDispatcher("T1"));
  absl::StatusOr<v1::CaseEvent> second = Decide(c, TownshipDispatch{}, TownshipDispatcher("T1"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*first, *second));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(c, copy));
}

// --- Roles ---

const std::map<CommandKind, std::vector<v1::Role>>& ExpectedIssuers() {
  static const auto* issuers = new std::map<CommandKind, std::vector<v1::Role>>{
      {CommandKind::kVerifyGrid, {v1::ROLE_GRID_WORKER, v1::ROLE_TOWNSHIP_DISPATCHER}},
      {CommandKind::kMarkInvalid, {v1::ROLE_GRID_WORKER, v1::ROLE_TOWNSHIP_DISPATCHER}},
      {CommandKind::kMarkDuplicate, {v1::ROLE_GRID_WORKER, v1::ROLE_TOWNSHIP_DISPATCHER}},
      {CommandKind::kCommunityHandleLocally, {v1::ROLE_COMMUNITY}},
      {CommandKind::kCommunityEscalate, {v1::ROLE_COMMUNITY}},
      {CommandKind::kTownshipDispatch, {v1::ROLE_TOWNSHIP_DISPATCHER}},
      {CommandKind::kDepartmentAccept, {v1::ROLE_DEPARTMENT_HANDLER}},
      {CommandKind::kDepartmentTransfer, {v1::ROLE_DEPARTMENT_HANDLER}},
      {CommandKind::kDepartmentReturn, {v1::ROLE_DEPARTMENT_HANDLER}},
      {CommandKind::kRequestExtension, {v1::ROLE_DEPARTMENT_HANDLER}},
      {CommandKind::kDecideExtension, {v1::ROLE_TOWNSHIP_DISPATCHER}},
      {CommandKind::kResolve, {v1::ROLE_DEPARTMENT_HANDLER, v1::ROLE_COMMUNITY}},
      {CommandKind::kClose, {v1::ROLE_SUPERVISOR, v1::ROLE_SYSTEM}},
      {CommandKind::kReopen, {v1::ROLE_SYSTEM}},
      {CommandKind::kEscalate, {v1::ROLE_SYSTEM, v1::ROLE_SUPERVISOR}},
      {CommandKind::kRate, {v1::ROLE_SYSTEM}},
      {CommandKind::kAddCoRequester, {v1::ROLE_SYSTEM}},
      {CommandKind::kPauseForResident, {v1::ROLE_DEPARTMENT_HANDLER, v1::ROLE_COMMUNITY}},
      {CommandKind::kResumeHandling, {v1::ROLE_DEPARTMENT_HANDLER, v1::ROLE_COMMUNITY}},
  };
  return *issuers;
}

TEST(CaseMachineRoleTest, IssuerTable) {
  ASSERT_EQ(ExpectedIssuers().size(), static_cast<size_t>(kCommandKindCount));
  for (const auto& [kind, roles] : ExpectedIssuers()) {
    EXPECT_EQ(IssuerRoles(kind), roles) << CommandKindName(kind);
  }
}

// A command of `kind` and a case in which it is allowed.
std::pair<Command, v1::Case> AllowedExample(CommandKind kind) {
  switch (kind) {
    case CommandKind::kVerifyGrid:
      return {VerifyGrid{}, CaseIn(v1::CASE_STATUS_SUBMITTED)};
    case CommandKind::kMarkInvalid:
      return {MarkInvalid{.reason = "x"}, CaseIn(v1::CASE_STATUS_SUBMITTED)};
    case CommandKind::kMarkDuplicate:
      return {MarkDuplicate{.duplicate_of = "c-0"}, CaseIn(v1::CASE_STATUS_SUBMITTED)};
    case CommandKind::kCommunityHandleLocally:
      return {CommunityHandleLocally{}, CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY)};
    case CommandKind::kCommunityEscalate:
      return {CommunityEscalate{.reason = "x"}, CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY)};
    case CommandKind::kTownshipDispatch:
      return {TownshipDispatch{}, CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH)};
    case CommandKind::kDepartmentAccept:
      return {DepartmentAccept{}, CaseIn(v1::CASE_STATUS_DISPATCHED)};
    case CommandKind::kDepartmentTransfer:
      return {DepartmentTransfer{.to_department_code = "D-ROADS", .reason = "x"}, CaseIn(v1::CASE_STATUS_DISPATCHED)};
    case CommandKind::kDepartmentReturn:
      return {DepartmentReturn{.reason = "x"}, CaseIn(v1::CASE_STATUS_DISPATCHED)};
    case CommandKind::kRequestExtension:
      return {RequestExtension{.extra = absl::Hours(8), .reason = "x"}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    case CommandKind::kDecideExtension:
      return {DecideExtension{.approved = true, .extra = absl::Hours(8)}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    case CommandKind::kResolve:
      return {Resolve{.reply = "x"}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    case CommandKind::kClose:
      return {Close{.reason = v1::CaseClosed::REASON_RATED}, CaseIn(v1::CASE_STATUS_RESOLVED)};
    case CommandKind::kReopen:
      return {Reopen{.reason = "x"}, CaseIn(v1::CASE_STATUS_RESOLVED)};
    case CommandKind::kEscalate:
      return {Escalate{.reason = "x"}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    case CommandKind::kRate:
      return {Rate{.satisfaction = v1::SATISFACTION_BASICALLY}, CaseIn(v1::CASE_STATUS_RESOLVED)};
    case CommandKind::kAddCoRequester: {
      v1::Resident resident;
      resident.set_phone("139");
      return {AddCoRequester{.resident = resident, .request_ref = "k"}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    }
    case CommandKind::kPauseForResident:
      return {PauseForResident{.reason = "x"}, CaseIn(v1::CASE_STATUS_IN_PROGRESS)};
    case CommandKind::kResumeHandling:
      return {ResumeHandling{}, PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS)};
  }
  return {};
}

// The unit a role acts for on the canonical case, so that only the role can be at fault.
v1::Actor ActorWithRole(v1::Role role) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_person_id("p-1");
  switch (role) {
    case v1::ROLE_GRID_WORKER:
      actor.set_unit_code("G1");
      break;
    case v1::ROLE_COMMUNITY:
      actor.set_unit_code("CM1");
      break;
    case v1::ROLE_TOWNSHIP_DISPATCHER:
    case v1::ROLE_SUPERVISOR:
      actor.set_unit_code("T1");
      break;
    case v1::ROLE_DEPARTMENT_HANDLER:
      actor.set_unit_code("D-WATER");
      break;
    default:
      break;
  }
  return actor;
}

TEST(CaseMachineRoleTest, EveryOtherRoleIsDenied) {
  const google::protobuf::EnumDescriptor* roles = v1::Role_descriptor();
  int denied = 0;
  for (int k = 0; k < kCommandKindCount; ++k) {
    const CommandKind kind = static_cast<CommandKind>(k);
    const auto [command, c] = AllowedExample(kind);
    const std::vector<v1::Role>& issuers = ExpectedIssuers().at(kind);
    for (int r = 0; r < roles->value_count(); ++r) {
      const v1::Role role = static_cast<v1::Role>(roles->value(r)->number());
      absl::StatusOr<v1::CaseEvent> event = Decide(c, command, ActorWithRole(role));
      if (std::find(issuers.begin(), issuers.end(), role) != issuers.end()) continue;
      ++denied;
      EXPECT_EQ(event.status().code(), absl::StatusCode::kPermissionDenied)
          << CommandKindName(kind) << " by " << v1::Role_Name(role) << ": " << event.status();
    }
    // At least one issuer succeeds on the example (the grid-assigning township dispatcher needs a case without a
    // grid, the community resolves only local cases).
    bool some_issuer_ok = false;
    for (v1::Role role : issuers) some_issuer_ok |= Decide(c, command, ActorWithRole(role)).ok();
    EXPECT_TRUE(some_issuer_ok) << CommandKindName(kind);
  }
  EXPECT_GT(denied, 100);
}

TEST(CaseMachineRoleTest, RoleOutsideItsStatesIsDenied) {
  // The community resolves only what it handles locally; the department only what it accepted.
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_IN_PROGRESS), Resolve{.reply = "x"}, CommunityActor("CM1")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_HANDLING_LOCALLY), Resolve{.reply = "x"}, DepartmentHandler("D-WATER")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineRoleTest, PersonRolesNeedAPersonId) {
  v1::Actor actor = GridWorker("G1");
  actor.clear_person_id();
  ExpectBadField(CaseIn(v1::CASE_STATUS_SUBMITTED), VerifyGrid{}, actor, "actor.person_id");
  v1::Actor system = System();
  system.clear_person_id();
  EXPECT_TRUE(Decide(CaseIn(v1::CASE_STATUS_IN_PROGRESS), Escalate{.reason = "overdue"}, system).ok());
}

// --- Scopes ---

TEST(CaseMachineScopeTest, GridWorkerOfAnotherGrid) {
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_SUBMITTED), VerifyGrid{}, GridWorker("G2")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_SUBMITTED), MarkInvalid{.reason = "x"}, GridWorker("G3")),
            absl::StatusCode::kPermissionDenied);
  // The case's own worker may correct the grid.
  absl::StatusOr<v1::CaseEvent> corrected =
      Decide(CaseIn(v1::CASE_STATUS_SUBMITTED), VerifyGrid{.grid_code = "G3"}, GridWorker("G1"));
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->grid_verified().community_code(), "CM2");
}

TEST(CaseMachineScopeTest, CaseWithoutGrid) {
  const v1::Case c = UngriddedCase();
  // A worker places it in their own grid only.
  EXPECT_TRUE(Decide(c, VerifyGrid{.grid_code = "G2"}, GridWorker("G2")).ok());
  EXPECT_EQ(CodeOf(c, VerifyGrid{.grid_code = "G2"}, GridWorker("G1")), absl::StatusCode::kPermissionDenied);
  ExpectBadField(c, VerifyGrid{}, GridWorker("G1"), "grid_code");
  // Marking needs a worker from the case's community.
  EXPECT_TRUE(Decide(c, MarkInvalid{.reason = "x"}, GridWorker("G2")).ok());
  EXPECT_EQ(CodeOf(c, MarkInvalid{.reason = "x"}, GridWorker("G3")), absl::StatusCode::kPermissionDenied);
  // The township dispatcher assigns a grid of its own township.
  absl::StatusOr<v1::CaseEvent> assigned = Decide(c, VerifyGrid{.grid_code = "G3"}, TownshipDispatcher("T1"));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->grid_verified().grid_code(), "G3");
  EXPECT_EQ(CodeOf(c, VerifyGrid{.grid_code = "G4"}, TownshipDispatcher("T1")), absl::StatusCode::kPermissionDenied);
  ExpectBadField(c, VerifyGrid{.grid_code = "G99"}, TownshipDispatcher("T1"), "grid_code");
  EXPECT_TRUE(Decide(c, MarkDuplicate{.duplicate_of = "c-0"}, TownshipDispatcher("T1")).ok());
  EXPECT_EQ(CodeOf(c, MarkDuplicate{.duplicate_of = "c-0"}, TownshipDispatcher("T2")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineScopeTest, CaseWithoutGridOrCommunityNeedsAWorkerOfItsTownship) {
  v1::Case c = UngriddedCase();
  c.mutable_location()->clear_community_code();
  EXPECT_TRUE(Decide(c, MarkInvalid{.reason = "x"}, GridWorker("G3")).ok());
  EXPECT_EQ(CodeOf(c, MarkInvalid{.reason = "x"}, GridWorker("G4")), absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineScopeTest, TownshipDispatcherMayNotVerifyAGriddedCase) {
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_SUBMITTED), VerifyGrid{}, TownshipDispatcher("T1")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineScopeTest, CommunityNotOwningTheGrid) {
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY), CommunityHandleLocally{}, CommunityActor("CM2")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_HANDLING_LOCALLY), Resolve{.reply = "x"}, CommunityActor("CM3")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineScopeTest, TownshipNotOwningTheCommunity) {
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH), TownshipDispatch{}, TownshipDispatcher("T2")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_IN_PROGRESS), DecideExtension{.approved = true, .extra = absl::Hours(1)},
                   TownshipDispatcher("T2")),
            absl::StatusCode::kPermissionDenied);
  // The county dispatch centre acts only once the case is at county level.
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH), TownshipDispatch{}, TownshipDispatcher("C1")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachineScopeTest, DepartmentNotHoldingTheCase) {
  const v1::Case dispatched = CaseIn(v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(CodeOf(dispatched, DepartmentAccept{}, DepartmentHandler("D-ROADS")), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(dispatched, DepartmentReturn{.reason = "x"}, DepartmentHandler("D-ROADS")),
            absl::StatusCode::kPermissionDenied);
  const v1::Case in_progress = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(CodeOf(in_progress, Resolve{.reply = "x"}, DepartmentHandler("D-ENV")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(in_progress, RequestExtension{.extra = absl::Hours(1), .reason = "x"}, DepartmentHandler("")),
            absl::StatusCode::kPermissionDenied);
  // After a transfer the new department holds it and the old one no longer does.
  const v1::Case transferred = Step(in_progress, DepartmentTransfer{.to_department_code = "D-ROADS", .reason = "roads"},
                                    DepartmentHandler("D-WATER"));
  EXPECT_EQ(CodeOf(transferred, DepartmentAccept{}, DepartmentHandler("D-WATER")), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Decide(transferred, DepartmentAccept{}, DepartmentHandler("D-ROADS")).ok());
}

TEST(CaseMachineScopeTest, SupervisorOfTheCasesTownshipOrCounty) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  const Close close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE, .note = "withdrawn"};
  EXPECT_TRUE(Decide(c, close, Supervisor("T1")).ok());
  EXPECT_TRUE(Decide(c, close, Supervisor("C1")).ok());
  EXPECT_EQ(CodeOf(c, close, Supervisor("T2")), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(c, close, Supervisor("C2")), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(c, Escalate{.reason = "x"}, Supervisor("T3")), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Decide(c, Escalate{.reason = "x"}, Supervisor("C1")).ok());
}

// --- Fields ---

TEST(CaseMachineFieldTest, VerifyGrid) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_SUBMITTED);
  ExpectBadField(c, VerifyGrid{.grid_code = "G99"}, GridWorker("G1"), "grid_code");
  ExpectBadField(c, VerifyGrid{.catalogue_item = "no.such"}, GridWorker("G1"), "catalogue_item");
  ExpectBadField(c, VerifyGrid{.category = static_cast<v1::Category>(99)}, GridWorker("G1"), "category");
  v1::Case uncategorised = c;
  uncategorised.clear_category();
  ExpectBadField(uncategorised, VerifyGrid{}, GridWorker("G1"), "category");
  absl::StatusOr<v1::CaseEvent> corrected =
      Decide(uncategorised, VerifyGrid{.category = v1::CATEGORY_DIFFICULT, .catalogue_item = "road.pothole"},
             GridWorker("G1"));
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->grid_verified().category(), v1::CATEGORY_DIFFICULT);
  EXPECT_EQ(corrected->grid_verified().catalogue_item(), "road.pothole");
}

TEST(CaseMachineFieldTest, GridMarks) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_SUBMITTED);
  ExpectBadField(c, MarkInvalid{}, GridWorker("G1"), "reason");
  ExpectBadField(c, MarkInvalid{.reason = " \t\n"}, GridWorker("G1"), "reason");
  ExpectBadField(c, MarkDuplicate{}, GridWorker("G1"), "duplicate_of");
  ExpectBadField(c, MarkDuplicate{.duplicate_of = "c-1"}, GridWorker("G1"), "duplicate_of");
}

TEST(CaseMachineFieldTest, CommunityEscalate) {
  ExpectBadField(CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY), CommunityEscalate{}, CommunityActor("CM1"), "reason");
}

TEST(CaseMachineFieldTest, TownshipDispatch) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH);
  const v1::Actor township = TownshipDispatcher("T1");
  ExpectBadField(c, TownshipDispatch{.department_code = "D-NONE"}, township, "department_code");
  ExpectBadField(c, TownshipDispatch{.catalogue_item = "no.such"}, township, "catalogue_item");
  v1::Case no_item = c;
  no_item.clear_catalogue_item();
  ExpectBadField(no_item, TownshipDispatch{}, township, "catalogue_item");
  EXPECT_TRUE(Decide(no_item, TownshipDispatch{.department_code = "D-ENV"}, township).ok());
}

TEST(CaseMachineFieldTest, DepartmentCommands) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  const v1::Actor water = DepartmentHandler("D-WATER");
  ExpectBadField(c, DepartmentTransfer{.reason = "x"}, water, "to_department_code");
  ExpectBadField(c, DepartmentTransfer{.to_department_code = "D-WATER", .reason = "x"}, water, "to_department_code");
  ExpectBadField(c, DepartmentTransfer{.to_department_code = "D-NONE", .reason = "x"}, water, "to_department_code");
  ExpectBadField(c, DepartmentTransfer{.to_department_code = "D-ROADS"}, water, "reason");
  ExpectBadField(c, DepartmentReturn{}, water, "reason");
  ExpectBadField(c, RequestExtension{.reason = "x"}, water, "extra");
  ExpectBadField(c, RequestExtension{.extra = -absl::Hours(1), .reason = "x"}, water, "extra");
  ExpectBadField(c, RequestExtension{.extra = absl::InfiniteDuration(), .reason = "x"}, water, "extra");
  ExpectBadField(c, RequestExtension{.extra = absl::Hours(1)}, water, "reason");
  ExpectBadField(c, Resolve{}, water, "reply");
}

TEST(CaseMachineFieldTest, DecideExtension) {
  const v1::Case c = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  const v1::Actor township = TownshipDispatcher("T1");
  ExpectBadField(c, DecideExtension{.approved = true}, township, "extra");
  ExpectBadField(c, DecideExtension{.approved = false}, township, "note");
  absl::StatusOr<v1::CaseEvent> denied =
      Decide(c, DecideExtension{.approved = false, .extra = absl::Hours(5), .note = "no"}, township);
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_FALSE(denied->extension_decided().approved());
  EXPECT_FALSE(denied->extension_decided().has_extra());
}

TEST(CaseMachineFieldTest, Close) {
  const v1::Case resolved = CaseIn(v1::CASE_STATUS_RESOLVED);
  ExpectBadField(resolved, Close{}, System(), "reason");
  ExpectBadField(resolved, Close{.reason = static_cast<v1::CaseClosed::Reason>(42)}, System(), "reason");
  ExpectBadField(resolved, Close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE}, System(), "note");
  EXPECT_TRUE(Decide(resolved, Close{.reason = v1::CaseClosed::REASON_NOT_RATED}, System()).ok());
  absl::Status rated_early =
      Decide(CaseIn(v1::CASE_STATUS_IN_PROGRESS), Close{.reason = v1::CaseClosed::REASON_NOT_RATED}, System()).status();
  EXPECT_EQ(rated_early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(rated_early.message(), "CASE_STATUS_IN_PROGRESS")) << rated_early.message();
}

TEST(CaseMachineFieldTest, FeedbackAndSystemCommands) {
  const v1::Case resolved = CaseIn(v1::CASE_STATUS_RESOLVED);
  ExpectBadField(resolved, Reopen{}, System(), "reason");
  ExpectBadField(resolved, Rate{}, System(), "satisfaction");
  ExpectBadField(CaseIn(v1::CASE_STATUS_IN_PROGRESS), Escalate{}, System(), "reason");
  ExpectBadField(resolved, AddCoRequester{.request_ref = "k"}, System(), "resident");
  v1::Resident resident;
  resident.set_resident_id("app-7");
  ExpectBadField(resolved, AddCoRequester{.resident = resident}, System(), "request_ref");
}

TEST(CaseMachineFieldTest, PauseForResident) {
  ExpectBadField(CaseIn(v1::CASE_STATUS_IN_PROGRESS), PauseForResident{}, DepartmentHandler("D-WATER"), "reason");
  ExpectBadField(CaseIn(v1::CASE_STATUS_HANDLING_LOCALLY), PauseForResident{.reason = "  "}, CommunityActor("CM1"),
                 "reason");
}

// --- Dispatch ---

TEST(CaseMachineDispatchTest, ByCatalogueUsesTheCasesItem) {
  absl::StatusOr<v1::CaseEvent> event =
      Decide(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH), TownshipDispatch{.note = "直派"}, TownshipDispatcher("T1"));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->township_dispatched().department_code(), "D-WATER");
  EXPECT_TRUE(event->township_dispatched().by_catalogue());
  EXPECT_EQ(event->township_dispatched().catalogue_item(), "water.leak");
}

TEST(CaseMachineDispatchTest, ByCatalogueWithAnotherItem) {
  const v1::Case c = Step(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH), TownshipDispatch{.catalogue_item = "road.pothole"},
                          TownshipDispatcher("T1"));
  EXPECT_EQ(c.department_code(), "D-ROADS");
  EXPECT_EQ(c.catalogue_item(), "road.pothole");
}

TEST(CaseMachineDispatchTest, ManualOverride) {
  absl::StatusOr<v1::CaseEvent> event = Decide(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH),
                                               TownshipDispatch{.department_code = "D-ENV"}, TownshipDispatcher("T1"));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->township_dispatched().department_code(), "D-ENV");
  EXPECT_FALSE(event->township_dispatched().by_catalogue());
}

TEST(CaseMachineDispatchTest, AcceptRecordsTheHandler) {
  absl::StatusOr<v1::CaseEvent> event =
      Decide(CaseIn(v1::CASE_STATUS_DISPATCHED), DepartmentAccept{}, DepartmentHandler("D-WATER"));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->department_accepted().handler_id(), "dh-D-WATER");
  event =
      Decide(CaseIn(v1::CASE_STATUS_DISPATCHED), DepartmentAccept{.handler_id = "p-42"}, DepartmentHandler("D-WATER"));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->department_accepted().handler_id(), "p-42");
}

// --- Emergency ---

TEST(CaseMachineEmergencyTest, TownshipDispatchesStraightFromSubmitted) {
  v1::Case c = SubmittedCase(/*emergency=*/true);
  EXPECT_EQ(c.holder_unit(), "G1");
  c = Step(c, TownshipDispatch{}, TownshipDispatcher("T1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-ENV");
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  c = Step(c, DepartmentAccept{}, DepartmentHandler("D-ENV"));
  c = Step(c, Resolve{.reply = "Fire crew isolated the substation"}, DepartmentHandler("D-ENV"));
  c = Step(c, Rate{.satisfaction = v1::SATISFACTION_SATISFIED, .problem_solved = true}, System());
  c = Step(c, Close{.reason = v1::CaseClosed::REASON_RATED}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(c.version(), 6);
}

TEST(CaseMachineEmergencyTest, GridVerificationSkipsTheCommunity) {
  v1::Case c = Step(SubmittedCase(/*emergency=*/true), VerifyGrid{}, GridWorker("G1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.holder_unit(), "T1");
  EXPECT_EQ(CodeOf(c, CommunityHandleLocally{}, CommunityActor("CM1")), absl::StatusCode::kFailedPrecondition);
  c = Step(c, TownshipDispatch{}, TownshipDispatcher("T1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
}

TEST(CaseMachineEmergencyTest, EscalationFromTheGridGoesToTheTownship) {
  const v1::Case c = Step(SubmittedCase(/*emergency=*/true), Escalate{.reason = "not verified"}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(c.holder_unit(), "T1");
}

TEST(CaseMachineEmergencyTest, OrdinaryCasesWaitForTheGrid) {
  absl::Status status = Decide(SubmittedCase(), TownshipDispatch{}, TownshipDispatcher("T1")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "CASE_STATUS_SUBMITTED")) << status.message();
}

// --- Escalation ladder ---

TEST(CaseMachineEscalationTest, ClimbsOneRungAtATime) {
  v1::Case c = Step(SubmittedCase(), Escalate{.reason = "grid overdue"}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_EQ(c.level(), v1::LEVEL_COMMUNITY);
  EXPECT_EQ(c.holder_unit(), "CM1");
  c = Step(c, Escalate{.reason = "community overdue"}, Supervisor("T1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(c.holder_unit(), "T1");
  c = Step(c, Escalate{.reason = "dispatch overdue"}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.level(), v1::LEVEL_COUNTY);
  EXPECT_EQ(c.holder_unit(), "C1");
  absl::Status top = Decide(c, Escalate{.reason = "again"}, System()).status();
  EXPECT_EQ(top.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(top.message(), "LEVEL_COUNTY")) << top.message();
  // At county level the county dispatch centre dispatches, and the township still may.
  EXPECT_TRUE(Decide(c, TownshipDispatch{}, TownshipDispatcher("T1")).ok());
  c = Step(c, TownshipDispatch{.department_code = "D-ROADS"}, TownshipDispatcher("C1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.level(), v1::LEVEL_COUNTY);
  c = Step(c, DepartmentReturn{.reason = "not ours"}, DepartmentHandler("D-ROADS"));
  EXPECT_EQ(c.holder_unit(), "C1");
}

TEST(CaseMachineEscalationTest, NeedsAUnitOnTheNextRung) {
  v1::Case c = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  c.mutable_location()->set_township_code("T9");  // Unknown to the directory: no county.
  c.mutable_location()->clear_county_code();
  absl::Status status = Decide(c, Escalate{.reason = "x"}, System()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "LEVEL_COUNTY")) << status.message();
}

// --- Waiting for the resident (挂起) ---

TEST(CaseMachinePauseTest, EventsCarryTheText) {
  absl::StatusOr<v1::CaseEvent> paused = Decide(CaseIn(v1::CASE_STATUS_IN_PROGRESS),
                                                PauseForResident{.reason = "no access"}, DepartmentHandler("D-WATER"));
  ASSERT_TRUE(paused.ok()) << paused.status();
  ASSERT_TRUE(paused->has_paused());
  EXPECT_EQ(paused->paused().reason(), "no access");
  absl::StatusOr<v1::CaseEvent> resumed = Decide(PausedCaseIn(v1::CASE_STATUS_HANDLING_LOCALLY),
                                                 ResumeHandling{.note = "neighbour home"}, CommunityActor("CM1"));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  ASSERT_TRUE(resumed->has_resumed());
  EXPECT_EQ(resumed->resumed().note(), "neighbour home");
  EXPECT_TRUE(Decide(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS), ResumeHandling{}, DepartmentHandler("D-WATER")).ok());
}

TEST(CaseMachinePauseTest, PauseOnlyWhenNotPausedResumeOnlyWhenPaused) {
  for (v1::CaseStatus status : {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_HANDLING_LOCALLY}) {
    const v1::Actor holder =
        status == v1::CASE_STATUS_IN_PROGRESS ? DepartmentHandler("D-WATER") : CommunityActor("CM1");
    absl::Status again = Decide(PausedCaseIn(status), PauseForResident{.reason = "x"}, holder).status();
    EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
    EXPECT_TRUE(absl::StrContains(again.message(), "already paused")) << again.message();
    EXPECT_TRUE(absl::StrContains(again.message(), v1::CaseStatus_Name(status))) << again.message();
    absl::Status running = Decide(CaseIn(status), ResumeHandling{}, holder).status();
    EXPECT_EQ(running.code(), absl::StatusCode::kFailedPrecondition) << running;
    EXPECT_TRUE(absl::StrContains(running.message(), "not paused")) << running.message();
  }
}

TEST(CaseMachinePauseTest, OnlyWhileTheHolderIsHandlingIt) {
  // Dispatched but not accepted: the department is not handling it yet.
  absl::Status status =
      Decide(CaseIn(v1::CASE_STATUS_DISPATCHED), PauseForResident{.reason = "x"}, DepartmentHandler("D-WATER"))
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "CASE_STATUS_DISPATCHED")) << status.message();
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY), PauseForResident{.reason = "x"}, CommunityActor("CM1")),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_RESOLVED), ResumeHandling{}, DepartmentHandler("D-WATER")),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CaseMachinePauseTest, PauseIsCheckedBeforeTheIssuer) {
  // Like the state, the pause refuses a command whoever issues it.
  EXPECT_EQ(CodeOf(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS), PauseForResident{.reason = "x"}, CommunityActor("CM1")),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(CaseIn(v1::CASE_STATUS_IN_PROGRESS), ResumeHandling{}, DepartmentHandler("D-ROADS")),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CaseMachinePauseTest, IssuedByTheUnitHandlingTheCase) {
  const v1::Case in_progress = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  const v1::Case local = CaseIn(v1::CASE_STATUS_HANDLING_LOCALLY);
  EXPECT_EQ(CodeOf(in_progress, PauseForResident{.reason = "x"}, DepartmentHandler("D-ROADS")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(in_progress, PauseForResident{.reason = "x"}, CommunityActor("CM1")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(local, PauseForResident{.reason = "x"}, CommunityActor("CM2")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(local, PauseForResident{.reason = "x"}, DepartmentHandler("D-WATER")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS), ResumeHandling{}, DepartmentHandler("D-ENV")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(PausedCaseIn(v1::CASE_STATUS_HANDLING_LOCALLY), ResumeHandling{}, CommunityActor("CM3")),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS), ResumeHandling{}, Supervisor("T1")),
            absl::StatusCode::kPermissionDenied);
}

TEST(CaseMachinePauseTest, TransferHandsOverAnUnpausedCase) {
  v1::Case c = Step(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS),
                    DepartmentTransfer{.to_department_code = "D-ROADS", .reason = "road works first"},
                    DepartmentHandler("D-WATER"));
  EXPECT_FALSE(c.paused());
  c = Step(c, DepartmentAccept{}, DepartmentHandler("D-ROADS"));
  EXPECT_EQ(CodeOf(c, ResumeHandling{}, DepartmentHandler("D-ROADS")), absl::StatusCode::kFailedPrecondition);
  c = Step(c, PauseForResident{.reason = "resident away"}, DepartmentHandler("D-ROADS"));
  EXPECT_TRUE(c.paused());
}

TEST(CaseMachinePauseTest, CommunityEscalationEndsTheCommunitysPause) {
  v1::Case c = Step(PausedCaseIn(v1::CASE_STATUS_HANDLING_LOCALLY), CommunityEscalate{.reason = "neighbour refuses"},
                    CommunityActor("CM1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_FALSE(c.paused());
  EXPECT_EQ(CodeOf(c, ResumeHandling{}, CommunityActor("CM1")), absl::StatusCode::kFailedPrecondition);
}

// --- Whole paths ---

TEST(CaseMachinePathTest, EveryStageWithTransferReturnAndExtension) {
  v1::Case c = SubmittedCase();
  EXPECT_EQ(c.status(), v1::CASE_STATUS_SUBMITTED);

  v1::Resident neighbour;
  neighbour.set_name("Zhao");
  c = Step(c, AddCoRequester{.resident = neighbour, .request_ref = "k-2", .text = "same leak"}, System());
  c = Step(c, VerifyGrid{.category = v1::CATEGORY_MAJOR, .note = "confirmed on site"}, GridWorker("G1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_EQ(c.category(), v1::CATEGORY_MAJOR);
  EXPECT_FALSE(c.category_suggested());

  c = Step(c, CommunityEscalate{.reason = "main pipe, needs the utility"}, CommunityActor("CM1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.holder_unit(), "T1");

  c = Step(c, TownshipDispatch{.catalogue_item = "road.pothole"}, TownshipDispatcher("T1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-ROADS");

  c = Step(c, DepartmentTransfer{.to_department_code = "D-WATER", .reason = "water main, not the road"},
           DepartmentHandler("D-ROADS"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-WATER");
  EXPECT_EQ(c.holder_unit(), "D-WATER");

  c = Step(c, DepartmentReturn{.reason = "private pipe, outside our network"}, DepartmentHandler("D-WATER"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.department_code(), "");

  c = Step(c, TownshipDispatch{.department_code = "D-WATER", .note = "the utility repairs it anyway"},
           TownshipDispatcher("T1"));
  c = Step(c, DepartmentAccept{}, DepartmentHandler("D-WATER"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS);

  c = Step(c, PauseForResident{.reason = "resident away, no access to the flat"}, DepartmentHandler("D-WATER"));
  EXPECT_TRUE(c.paused());
  c = Step(c, RequestExtension{.extra = absl::Hours(16), .reason = "waiting for a valve"},
           DepartmentHandler("D-WATER"));
  c = Step(c, DecideExtension{.approved = true, .extra = absl::Hours(16), .note = "granted"}, TownshipDispatcher("T1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_TRUE(c.paused());
  c = Step(c, ResumeHandling{.note = "resident back"}, DepartmentHandler("D-WATER"));
  EXPECT_FALSE(c.paused());

  c = Step(c, Resolve{.reply = "Valve replaced", .contacted_resident = true}, DepartmentHandler("D-WATER"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(c.resolution_reply(), "Valve replaced");

  c = Step(c, Rate{.satisfaction = v1::SATISFACTION_DISSATISFIED, .comment = "still dripping"}, System());
  c = Step(c, Reopen{.reason = "resident dissatisfied"}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-WATER");
  EXPECT_EQ(c.reopen_count(), 1);
  EXPECT_EQ(c.cycle(), 2);

  c = Step(c, DepartmentAccept{}, DepartmentHandler("D-WATER"));
  c = Step(c, Resolve{.reply = "Joint resealed"}, DepartmentHandler("D-WATER"));
  absl::StatusOr<v1::CaseEvent> rating =
      Decide(c, Rate{.satisfaction = v1::SATISFACTION_SATISFIED, .problem_solved = true}, System());
  ASSERT_TRUE(rating.ok());
  EXPECT_EQ(rating->resident_rated().cycle(), 2);
  c = Step(c, Rate{.satisfaction = v1::SATISFACTION_SATISFIED, .problem_solved = true}, System());
  c = Step(c, Close{.reason = v1::CaseClosed::REASON_RATED}, System());

  EXPECT_EQ(c.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(c.version(), 20);
  EXPECT_EQ(c.co_requesters_size(), 1);
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(c.holder_unit(), "");
  EXPECT_EQ(c.resolution_reply(), "Joint resealed");
  for (const Command& late :
       std::vector<Command>{Reopen{.reason = "x"}, Escalate{.reason = "x"},
                            Close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE, .note = "x"}}) {
    EXPECT_EQ(CodeOf(c, late, System()), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(CaseMachinePathTest, HandledInsideTheCommunity) {
  v1::Case c = Step(SubmittedCase(), VerifyGrid{.category = v1::CATEGORY_SIMPLE}, GridWorker("G1"));
  c = Step(c, CommunityHandleLocally{.note = "小事不出村"}, CommunityActor("CM1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_HANDLING_LOCALLY);
  c = Step(c, Resolve{.reply = "Neighbours agreed on the repair"}, CommunityActor("CM1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_RESOLVED);
  c = Step(c, Rate{.satisfaction = v1::SATISFACTION_DISSATISFIED}, System());
  c = Step(c, Reopen{.reason = "not repaired"}, System());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_HANDLING_LOCALLY);
  EXPECT_EQ(c.cycle(), 2);
  c = Step(c, CommunityEscalate{.reason = "neighbours disagree again"}, CommunityActor("CM1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  c = Step(c, Close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE, .note = "withdrawn"}, Supervisor("C1"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_CLOSED);
}

// --- Scopes: the role × command × unit table of docs/SECURITY.md ---

// The unit a role acts for on the canonical cases (in scope), and one outside the case's scope.
std::pair<std::string, std::string> ScopeUnits(v1::Role role) {
  switch (role) {
    case v1::ROLE_GRID_WORKER:
      return {"G1", "G2"};
    case v1::ROLE_COMMUNITY:
      return {"CM1", "CM2"};
    case v1::ROLE_TOWNSHIP_DISPATCHER:
    case v1::ROLE_SUPERVISOR:
      return {"T1", "T2"};
    case v1::ROLE_DEPARTMENT_HANDLER:
      return {"D-WATER", "D-ROADS"};
    default:
      return {"H1", "H2"};
  }
}

// The documented table: command row → role column → "own", "any" or "—" (footnote marks dropped).
std::map<std::string, std::map<v1::Role, std::string>> DocumentedScopes() {
  std::map<std::string, std::map<v1::Role, std::string>> table;
  const char* dir = std::getenv("GRIDCASE_SOURCE_DIR");
  const std::string path = absl::StrCat(dir != nullptr ? dir : GRIDCASE_SOURCE_DIR_DEFAULT, "/docs/SECURITY.md");
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return table;
  }
  std::vector<v1::Role> roles;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (absl::StrContains(line, "<!-- command-scopes:begin -->")) inside = true;
    if (absl::StrContains(line, "<!-- command-scopes:end -->")) break;
    if (!inside || !absl::StartsWith(line, "|") || absl::StartsWith(line, "|---")) continue;
    std::vector<std::string> cells = absl::StrSplit(absl::StripSuffix(absl::StripPrefix(line, "| "), " |"), " | ");
    if (roles.empty()) {
      for (size_t i = 1; i < cells.size(); ++i) {
        v1::Role role = v1::ROLE_UNSPECIFIED;
        EXPECT_TRUE(v1::Role_Parse("ROLE_" + absl::AsciiStrToUpper(cells[i]), &role)) << cells[i];
        roles.push_back(role);
      }
      continue;
    }
    EXPECT_EQ(cells.size(), roles.size() + 1) << line;
    for (size_t i = 1; i < cells.size() && i <= roles.size(); ++i) {
      std::string cell = cells[i];
      while (!cell.empty() && !absl::ascii_isalpha(static_cast<unsigned char>(cell.back())) && cell != "—") {
        cell.pop_back();  // A footnote mark.
      }
      table[std::string(absl::StripPrefix(absl::StripSuffix(cells[0], "`"), "`"))][roles[i - 1]] = cell;
    }
  }
  return table;
}

// Every role × command × unit cell, on every canonical case: "own" — the command is allowed to an actor of the
// case's unit in some state and refused with PERMISSION_DENIED to one of another unit in that state; "any" — a
// service, no unit; "—" — refused in every state whatever the unit.
TEST(CaseMachineScopeTest, EveryRoleCommandAndScopeFollowsTheDocumentedTable) {
  const auto table = DocumentedScopes();
  ASSERT_EQ(table.size(), static_cast<size_t>(kCommandKindCount));
  std::vector<v1::Case> cases;
  for (int s = v1::CASE_STATUS_SUBMITTED; s <= v1::CASE_STATUS_DUPLICATE; ++s) {
    cases.push_back(CaseIn(static_cast<v1::CaseStatus>(s)));
  }
  cases.push_back(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS));
  cases.push_back(PausedCaseIn(v1::CASE_STATUS_HANDLING_LOCALLY));
  for (int k = 0; k < kCommandKindCount; ++k) {
    const CommandKind kind = static_cast<CommandKind>(k);
    const std::string name(CommandKindName(kind));
    ASSERT_TRUE(table.contains(name)) << name;
    const Command command = AllowedExample(kind).first;
    for (const auto& [role, cell] : table.at(name)) {
      const auto [own, other] = ScopeUnits(role);
      v1::Actor mine = ActorWithRole(role);
      mine.set_unit_code(role == v1::ROLE_SYSTEM ? "" : own);
      v1::Actor outsider = mine;
      outsider.set_unit_code(other);
      bool allowed = false;
      bool outsider_denied = true;
      for (const v1::Case& c : cases) {
        if (!Decide(c, command, mine).ok()) continue;
        allowed = true;
        if (role != v1::ROLE_SYSTEM) {
          outsider_denied = outsider_denied && Decide(c, command, outsider).status().code() ==
                                                   absl::StatusCode::kPermissionDenied;
        }
      }
      const std::string where = absl::StrCat(name, " by ", v1::Role_Name(role));
      if (cell == "own") {
        EXPECT_TRUE(allowed) << where << " in its own unit";
        EXPECT_TRUE(outsider_denied) << where << " for another unit";
      } else if (cell == "any") {
        EXPECT_EQ(role, v1::ROLE_SYSTEM) << where;
        EXPECT_TRUE(allowed) << where;
      } else {
        EXPECT_EQ(cell, "—") << where;
        EXPECT_FALSE(allowed) << where << " is documented as refused";
      }
    }
  }
}

TEST(CaseMachineTest, ACaseTakesABoundedNumberOfCoRequesters) {
  v1::Case c = CaseIn(v1::CASE_STATUS_IN_PROGRESS);
  v1::Resident resident;
  resident.set_phone("13900001111");
  const Command add = AddCoRequester{.resident = resident, .request_ref = "k"};
  for (int i = c.co_requesters_size(); i < CaseMachine::kMaxCoRequesters - 1; ++i) *c.add_co_requesters() = resident;
  ASSERT_TRUE(Decide(c, add, System()).ok()) << "one below the bound";
  *c.add_co_requesters() = resident;
  absl::StatusOr<v1::CaseEvent> refused = Decide(c, add, System());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "200 co-requesters")) << refused.status();
}

TEST(CaseMachineRoleTest, NoPersonRatesReopensOrClosesAsRated) {
  v1::Case resolved = CaseIn(v1::CASE_STATUS_RESOLVED);
  for (const v1::Actor& person : {HotlineOperator(), Supervisor("T1"), Supervisor("C1"), DepartmentHandler("D-WATER"),
                                  CommunityActor("CM1")}) {
    EXPECT_EQ(CodeOf(resolved, Rate{.satisfaction = v1::SATISFACTION_SATISFIED}, person),
              absl::StatusCode::kPermissionDenied)
        << v1::Role_Name(person.role());
    EXPECT_EQ(CodeOf(resolved, Reopen{.reason = "x"}, person), absl::StatusCode::kPermissionDenied);
    for (auto reason : {v1::CaseClosed::REASON_RATED, v1::CaseClosed::REASON_NOT_RATED}) {
      EXPECT_EQ(CodeOf(resolved, Close{.reason = reason}, person), absl::StatusCode::kPermissionDenied)
          << v1::Role_Name(person.role()) << " " << v1::CaseClosed::Reason_Name(reason);
    }
  }
  EXPECT_EQ(CodeOf(resolved, Close{.reason = v1::CaseClosed::REASON_RATED}, System()), absl::StatusCode::kOk);
  EXPECT_EQ(CodeOf(resolved, Close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE, .note = "withdrawn"},
                   Supervisor("T1")),
            absl::StatusCode::kOk);
}

// The command of `kind` with every field empty.
Command EmptyCommand(CommandKind kind) {
  Command command;
  for (Command candidate :
       {Command(VerifyGrid{}), Command(MarkInvalid{}), Command(MarkDuplicate{}), Command(CommunityHandleLocally{}),
        Command(CommunityEscalate{}), Command(TownshipDispatch{}), Command(DepartmentAccept{}),
        Command(DepartmentTransfer{}), Command(DepartmentReturn{}), Command(RequestExtension{}),
        Command(DecideExtension{}), Command(Resolve{}), Command(Close{}), Command(Reopen{}), Command(Escalate{}),
        Command(Rate{}), Command(AddCoRequester{}), Command(PauseForResident{}), Command(ResumeHandling{})}) {
    if (KindOf(candidate) == kind) command = candidate;
  }
  return command;
}

// Decide refused the command for who issues it or for the case's state, whatever its fields.
bool RefusedForIssuerOrState(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kPermissionDenied) return true;
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         absl::StrContains(status.message(), "is not allowed in state");
}

// AllowedCommands agrees with Decide on every state, pause, role and unit of the test world: a listed command is
// never refused for its issuer or the state, an unlisted one always is.
TEST(CaseMachineAllowedTest, AgreesWithDecideEverywhere) {
  std::vector<v1::Case> cases = {SubmittedCase(/*emergency=*/true), UngriddedCase(),
                                 PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS),
                                 PausedCaseIn(v1::CASE_STATUS_HANDLING_LOCALLY)};
  for (int s = v1::CASE_STATUS_SUBMITTED; s <= v1::CASE_STATUS_DUPLICATE; ++s) {
    cases.push_back(CaseIn(static_cast<v1::CaseStatus>(s)));
  }
  const std::vector<v1::Actor> actors = {
      GridWorker("G1"),         GridWorker("G2"),          GridWorker("G3"),           CommunityActor("CM1"),
      CommunityActor("CM2"),    TownshipDispatcher("T1"),  TownshipDispatcher("T2"),   TownshipDispatcher("C1"),
      DepartmentHandler("D-WATER"), DepartmentHandler("D-ROADS"), Supervisor("T1"),      Supervisor("C1"),
      Supervisor("T2"),         System(),                  HotlineOperator()};
  int listed = 0;
  for (const v1::Case& c : cases) {
    for (const v1::Actor& actor : actors) {
      std::vector<CommandKind> allowed = Machine().AllowedCommands(c, actor);
      for (int k = 0; k < kCommandKindCount; ++k) {
        const auto kind = static_cast<CommandKind>(k);
        const bool is_listed = std::find(allowed.begin(), allowed.end(), kind) != allowed.end();
        listed += is_listed;
        absl::Status status = Decide(c, EmptyCommand(kind), actor).status();
        EXPECT_EQ(is_listed, !RefusedForIssuerOrState(status))
            << CommandKindName(kind) << " by " << v1::Role_Name(actor.role()) << " of " << actor.unit_code()
            << " on a case in " << v1::CaseStatus_Name(c.status()) << (c.paused() ? " (paused)" : "") << ": "
            << status;
      }
    }
  }
  EXPECT_GT(listed, 30);
}

TEST(CaseMachineAllowedTest, ListsTheHandlersCommandsInOrder) {
  EXPECT_EQ(Machine().AllowedCommands(CaseIn(v1::CASE_STATUS_IN_PROGRESS), DepartmentHandler("D-WATER")),
            (std::vector<CommandKind>{CommandKind::kDepartmentTransfer, CommandKind::kDepartmentReturn,
                                      CommandKind::kRequestExtension, CommandKind::kResolve,
                                      CommandKind::kPauseForResident}));
  EXPECT_EQ(Machine().AllowedCommands(PausedCaseIn(v1::CASE_STATUS_IN_PROGRESS), DepartmentHandler("D-WATER")),
            (std::vector<CommandKind>{CommandKind::kDepartmentTransfer, CommandKind::kDepartmentReturn,
                                      CommandKind::kRequestExtension, CommandKind::kResolve,
                                      CommandKind::kResumeHandling}));
  EXPECT_TRUE(Machine().AllowedCommands(CaseIn(v1::CASE_STATUS_IN_PROGRESS), DepartmentHandler("D-ROADS")).empty());
  EXPECT_EQ(Machine().AllowedCommands(CaseIn(v1::CASE_STATUS_SUBMITTED), GridWorker("G1")),
            (std::vector<CommandKind>{CommandKind::kVerifyGrid, CommandKind::kMarkInvalid,
                                      CommandKind::kMarkDuplicate}));
  v1::Actor nameless = GridWorker("G1");
  nameless.clear_person_id();
  EXPECT_TRUE(Machine().AllowedCommands(CaseIn(v1::CASE_STATUS_SUBMITTED), nameless).empty());
}

}  // namespace
}  // namespace gridcase::dispatch
