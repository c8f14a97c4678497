#include "services/dispatch/core/test_world.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"

namespace gridcase::dispatch::test_world {
namespace {

constexpr char kRegistry[] = R"pb(
  counties { code: "C1" name: "County One" }
  counties { code: "C2" name: "County Two" }
  townships { code: "T1" county_code: "C1" }
  townships { code: "T2" county_code: "C1" }
  townships { code: "T3" county_code: "C2" }
  communities { code: "CM1" township_code: "T1" }
  communities { code: "CM2" township_code: "T1" }
  communities { code: "CM3" township_code: "T2" }
  communities { code: "CM4" township_code: "T3" }
  grids { code: "G1" community_code: "CM1" }
  grids { code: "G2" community_code: "CM1" }
  grids { code: "G3" community_code: "CM2" }
  grids { code: "G4" community_code: "CM3" }
  grids { code: "G5" community_code: "CM4" }
  departments { code: "D-WATER" name: "Water utility" }
  departments { code: "D-ROADS" name: "Roads bureau" }
  departments { code: "D-ENV" name: "Emergency management" township_code: "T1" }
  catalogue { code: "water.leak" department_code: "D-WATER" default_category: CATEGORY_GENERAL }
  catalogue { code: "road.pothole" department_code: "D-ROADS" default_category: CATEGORY_SIMPLE }
  catalogue { code: "fire.hazard" department_code: "D-ENV" emergency: true default_category: CATEGORY_MAJOR }
)pb";

v1::Actor MakeActor(v1::Role role, const std::string& unit, const std::string& person) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_unit_code(unit);
  actor.set_person_id(person);
  return actor;
}

}  // namespace

const OrgDirectory& Directory() {
  static const InMemoryOrgDirectory* directory = [] {
    v1::Registry registry;
    if (!google::protobuf::TextFormat::ParseFromString(kRegistry, &registry)) std::abort();
    absl::StatusOr<InMemoryOrgDirectory> created = InMemoryOrgDirectory::Create(registry);
    if (!created.ok()) std::abort();
    return new InMemoryOrgDirectory(*std::move(created));
  }();
  return *directory;
}

const CaseMachine& Machine() {
  static const CaseMachine* machine = new CaseMachine(Directory());
  return *machine;
}

absl::Time SubmitTime() { return absl::FromUnixSeconds(1'709'514'000); }

v1::Actor GridWorker(const std::string& grid) {
  return MakeActor(v1::ROLE_GRID_WORKER, grid, absl::StrCat("gw-", grid));
}
v1::Actor CommunityActor(const std::string& community) {
  return MakeActor(v1::ROLE_COMMUNITY, community, absl::StrCat("cm-", community));
}
v1::Actor TownshipDispatcher(const std::string& unit) {
  return MakeActor(v1::ROLE_TOWNSHIP_DISPATCHER, unit, absl::StrCat("td-", unit));
}
v1::Actor DepartmentHandler(const std::string& department) {
  return MakeActor(v1::ROLE_DEPARTMENT_HANDLER, department, absl::StrCat("dh-", department));
}
v1::Actor Supervisor(const std::string& unit) {
  return MakeActor(v1::ROLE_SUPERVISOR, unit, absl::StrCat("sv-", unit));
}
v1::Actor System() { return MakeActor(v1::ROLE_SYSTEM, "", "sla"); }
v1::Actor HotlineOperator() { return MakeActor(v1::ROLE_HOTLINE_OPERATOR, "", "op-1"); }

v1::Case SubmittedCase(bool emergency) {
  v1::CaseEvent event;
  event.set_event_id("c-1/1");
  event.set_case_id("c-1");
  event.set_case_version(1);
  *event.mutable_occurred_at() = events::ToProto(SubmitTime());
  *event.mutable_actor() = System();
  v1::Case& initial = *event.mutable_submitted()->mutable_initial();
  initial.set_id("c-1");
  initial.set_channel(v1::CHANNEL_HOTLINE_12345);
  initial.mutable_resident()->set_name("Li");
  initial.mutable_resident()->set_phone("13800000000");
  initial.set_text(emergency ? "Smoke from the substation" : "Water pipe leaking in building 3");
  v1::Location& location = *initial.mutable_location();
  location.set_grid_code("G1");
  location.set_community_code("CM1");
  location.set_township_code("T1");
  location.set_county_code("C1");
  initial.set_catalogue_item(emergency ? "fire.hazard" : "water.leak");
  initial.set_category(emergency ? v1::CATEGORY_MAJOR : v1::CATEGORY_GENERAL);
  initial.set_category_suggested(true);
  initial.set_emergency(emergency);
  *initial.mutable_created_at() = events::ToProto(SubmitTime());
  absl::StatusOr<v1::Case> c = cases::ApplyEvent(v1::Case(), event);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : v1::Case();
}

v1::Case Step(const v1::Case& current, const Command& command, const v1::Actor& actor) {
  const absl::Time now = events::FromProto(current.updated_at()) + absl::Minutes(1);
  absl::StatusOr<v1::CaseEvent> event = Machine().Decide(current, command, actor, current.version(), now);
  if (!event.ok()) {
    ADD_FAILURE() << CommandKindName(KindOf(command)) << " in " << v1::CaseStatus_Name(current.status()) << " by "
                  << v1::Role_Name(actor.role()) << ": " << event.status();
    return current;
  }
  absl::StatusOr<v1::Case> next = cases::ApplyEvent(current, *event);
  if (!next.ok()) {
    ADD_FAILURE() << "fold of " << event->ShortDebugString() << ": " << next.status();
    return current;
  }
  return *next;
}

v1::Case CaseIn(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_UNSPECIFIED:
      return v1::Case();
    case v1::CASE_STATUS_SUBMITTED:
      return SubmittedCase();
    case v1::CASE_STATUS_INVALID:
      return Step(SubmittedCase(), MarkInvalid{.reason = "prank call"}, GridWorker("G1"));
    case v1::CASE_STATUS_DUPLICATE:
      return Step(SubmittedCase(), MarkDuplicate{.duplicate_of = "c-0"}, GridWorker("G1"));
    case v1::CASE_STATUS_AWAITING_COMMUNITY:
      return Step(SubmittedCase(), VerifyGrid{}, GridWorker("G1"));
    case v1::CASE_STATUS_HANDLING_LOCALLY:
      return Step(CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY), CommunityHandleLocally{.note = "mediate"},
                  CommunityActor("CM1"));
    case v1::CASE_STATUS_AWAITING_DISPATCH:
      return Step(CaseIn(v1::CASE_STATUS_AWAITING_COMMUNITY), CommunityEscalate{.reason = "needs the utility"},
                  CommunityActor("CM1"));
    case v1::CASE_STATUS_DISPATCHED:
      return Step(CaseIn(v1::CASE_STATUS_AWAITING_DISPATCH), TownshipDispatch{}, TownshipDispatcher("T1"));
    case v1::CASE_STATUS_IN_PROGRESS:
      return Step(CaseIn(v1::CASE_STATUS_DISPATCHED), DepartmentAccept{}, DepartmentHandler("D-WATER"));
    case v1::CASE_STATUS_RESOLVED:
      return Step(CaseIn(v1::CASE_STATUS_IN_PROGRESS), Resolve{.reply = "Pipe replaced", .contacted_resident = true},
                  DepartmentHandler("D-WATER"));
    case v1::CASE_STATUS_CLOSED: {
      v1::Case rated = Step(CaseIn(v1::CASE_STATUS_RESOLVED),
                            Rate{.satisfaction = v1::SATISFACTION_SATISFIED, .problem_solved = true}, System());
      return Step(rated, Close{.reason = v1::CaseClosed::REASON_RATED}, System());
    }
    default:
      ADD_FAILURE() << "no canonical case for status " << status;
      return v1::Case();
  }
}

v1::Case PausedCaseIn(v1::CaseStatus status) {
  const v1::Actor holder =
      status == v1::CASE_STATUS_HANDLING_LOCALLY ? CommunityActor("CM1") : DepartmentHandler("D-WATER");
  return Step(CaseIn(status), PauseForResident{.reason = "resident away until Friday"}, holder);
}

}  // namespace gridcase::dispatch::test_world
