#include "libs/case/case_fold.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace gridcase::cases {
namespace {

using google::protobuf::TextFormat;
using google::protobuf::util::MessageDifferencer;
using v1::Case;
using v1::CaseEvent;

constexpr absl::string_view kCaseId = "c-1";

// An event for case c-1 at `version`, at 1_700_000_000 + version seconds, with the payload given in text format
// (e.g. "grid_marked_invalid { reason: 'prank' }").
CaseEvent Event(int64_t version, absl::string_view payload) {
  CaseEvent event;
  EXPECT_TRUE(TextFormat::ParseFromString(std::string(payload), &event)) << payload;
  event.set_event_id(absl::StrCat(kCaseId, "/", version));
  event.set_case_id(std::string(kCaseId));
  event.set_case_version(version);
  event.mutable_occurred_at()->set_seconds(1'700'000'000 + version);
  event.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  return event;
}

constexpr absl::string_view kSubmitted = R"pb(
  submitted {
    initial {
      id: "c-1"
      channel: CHANNEL_HOTLINE_12345
      resident { name: "Li" phone: "13800000000" }
      text: "Water pipe leaking in building 3"
      location { grid_code: "G1" community_code: "CM1" township_code: "T1" county_code: "C1" }
      catalogue_item: "water.leak"
      category: CATEGORY_GENERAL
      category_suggested: true
      created_at { seconds: 1699999990 }
    }
  })pb";

Case Fold(const Case& current, const CaseEvent& event) {
  absl::StatusOr<Case> next = ApplyEvent(current, event);
  EXPECT_TRUE(next.ok()) << next.status();
  return next.ok() ? *next : current;
}

// Folds the payloads in order, from an empty case.
Case FoldAll(std::initializer_list<absl::string_view> payloads) {
  Case c;
  int64_t version = 0;
  for (absl::string_view payload : payloads) c = Fold(c, Event(++version, payload));
  return c;
}

Case Submitted() { return FoldAll({kSubmitted}); }
Case AwaitingCommunity() {
  return FoldAll({kSubmitted,
                  "grid_verified { grid_code: 'G1' community_code: 'CM1' "
                  "township_code: 'T1' category: CATEGORY_GENERAL }"});
}
Case AwaitingDispatch() {
  return FoldAll({kSubmitted, "grid_verified { grid_code: 'G1' community_code: 'CM1' township_code: 'T1' }",
                  "community_escalated { township_code: 'T1' reason: 'needs roadworks' }"});
}
Case Dispatched() {
  Case c = AwaitingDispatch();
  return Fold(c, Event(c.version() + 1, "township_dispatched { department_code: 'D-WATER' by_catalogue: true }"));
}
Case InProgress() {
  Case c = Dispatched();
  return Fold(c, Event(c.version() + 1, "department_accepted { handler_id: 'p-9' }"));
}
Case Resolved() {
  Case c = InProgress();
  return Fold(c, Event(c.version() + 1, "resolved { reply: 'Pipe replaced' }"));
}

// `after` equals `before` except for the version and updated_at that every event sets.
void ExpectOnlyVersionChanged(const Case& before, const Case& after) {
  Case expected = before;
  expected.set_version(before.version() + 1);
  *expected.mutable_updated_at() = after.updated_at();
  EXPECT_TRUE(MessageDifferencer::Equals(expected, after)) << after.DebugString();
}

std::vector<std::string> Held(const Case& c) { return {c.departments_held().begin(), c.departments_held().end()}; }

TEST(ApplyEventTest, SubmittedStartsTheCaseAtTheGrid) {
  Case c = Submitted();
  EXPECT_EQ(c.id(), "c-1");
  EXPECT_EQ(c.status(), v1::CASE_STATUS_SUBMITTED);
  EXPECT_EQ(c.version(), 1);
  EXPECT_EQ(c.created_at().seconds(), 1'699'999'990);
  EXPECT_EQ(c.updated_at().seconds(), 1'700'000'001);
  EXPECT_EQ(c.level(), v1::LEVEL_GRID);
  EXPECT_EQ(c.cycle(), 1);
  EXPECT_EQ(c.holder_unit(), "G1");
  EXPECT_EQ(c.text(), "Water pipe leaking in building 3");
  EXPECT_TRUE(c.category_suggested());
}

TEST(ApplyEventTest, SubmittedWithoutGridIsHeldByItsCommunityAndTakesCreationTimeFromTheEvent) {
  absl::StatusOr<Case> c = ApplyEvent(
      Case(), Event(1,
                    "submitted { initial { id: 'c-1' location { community_code: 'CM1' needs_manual_grid: true } "
                    "status: CASE_STATUS_CLOSED } }"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->holder_unit(), "CM1");
  EXPECT_EQ(c->status(), v1::CASE_STATUS_SUBMITTED);
  EXPECT_EQ(c->created_at().seconds(), 1'700'000'001);
}

TEST(ApplyEventTest, SubmittedNeedsInitialWithTheEventsCaseId) {
  EXPECT_EQ(ApplyEvent(Case(), Event(1, "submitted {}")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(Case(), Event(1, "submitted { initial { id: 'other' } }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, OnlyVersionOneIsSubmitted) {
  Case c = Submitted();
  EXPECT_EQ(ApplyEvent(c, Event(2, kSubmitted)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(Case(), Event(1, "grid_marked_invalid {}")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, VersionsMustLineUp) {
  Case c = Submitted();
  absl::Status gap = ApplyEvent(c, Event(3, "grid_marked_invalid {}")).status();
  EXPECT_EQ(gap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(gap.message().find("version 1"), absl::string_view::npos) << gap;
  EXPECT_EQ(ApplyEvent(c, Event(1, kSubmitted)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ApplyEvent(c, Event(1, "grid_marked_invalid {}")).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ApplyEventTest, RejectsAnotherCasesEvent) {
  CaseEvent event = Event(2, "grid_marked_invalid {}");
  event.set_case_id("c-2");
  EXPECT_EQ(ApplyEvent(Submitted(), event).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, RejectsMissingPayloadAndMissingTime) {
  EXPECT_EQ(ApplyEvent(Submitted(), Event(2, "")).status().code(), absl::StatusCode::kInvalidArgument);
  CaseEvent event = Event(2, "grid_marked_invalid {}");
  event.clear_occurred_at();
  EXPECT_EQ(ApplyEvent(Submitted(), event).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, AdvisoryEventsAreNotFolded) {
  Case c = InProgress();
  EXPECT_EQ(ApplyEvent(c, Event(0, "sla_warned { clock: CLOCK_KIND_COMPLETION percent: 50 }")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(c, Event(0, "sla_breached { clock: CLOCK_KIND_SIGN_OFF }")).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Even when mislabelled with the next version.
  EXPECT_EQ(ApplyEvent(c, Event(c.version() + 1, "sla_breached { clock: CLOCK_KIND_SIGN_OFF }")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(c, Event(0, "department_accepted {}")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(c, Event(0, "paused { reason: 'away' }")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, CoRequesterAddedAppendsKeepingStatus) {
  Case c = Fold(InProgress(), Event(6, "co_requester_added { resident { name: 'Wang' } request_ref: 'k-2' }"));
  c = Fold(c, Event(7, "co_requester_added { resident { phone: '139' } request_ref: 'k-3' }"));
  ASSERT_EQ(c.co_requesters_size(), 2);
  EXPECT_EQ(c.co_requesters(0).name(), "Wang");
  EXPECT_EQ(c.co_requesters(1).phone(), "139");
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(ApplyEvent(c, Event(8, "co_requester_added { request_ref: 'k-4' }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, GridVerifiedConfirmsPlacementAndCategory) {
  Case submitted = Submitted();
  submitted.mutable_location()->set_needs_manual_grid(true);
  Case c = Fold(submitted, Event(2,
                                 "grid_verified { grid_code: 'G3' community_code: 'CM2' township_code: 'T1' "
                                 "category: CATEGORY_MAJOR catalogue_item: 'road.pothole' note: 'seen' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_EQ(c.location().grid_code(), "G3");
  EXPECT_EQ(c.location().community_code(), "CM2");
  EXPECT_EQ(c.location().township_code(), "T1");
  EXPECT_FALSE(c.location().needs_manual_grid());
  EXPECT_EQ(c.category(), v1::CATEGORY_MAJOR);
  EXPECT_FALSE(c.category_suggested());
  EXPECT_EQ(c.catalogue_item(), "road.pothole");
  EXPECT_EQ(c.holder_unit(), "CM2");
  EXPECT_EQ(c.level(), v1::LEVEL_COMMUNITY);
}

TEST(ApplyEventTest, GridVerifiedWithoutCorrectionsKeepsCategoryAndItem) {
  Case c = Fold(Submitted(), Event(2, "grid_verified { grid_code: 'G1' community_code: 'CM1' township_code: 'T1' }"));
  EXPECT_EQ(c.category(), v1::CATEGORY_GENERAL);
  EXPECT_FALSE(c.category_suggested());
  EXPECT_EQ(c.catalogue_item(), "water.leak");
}

TEST(ApplyEventTest, GridVerifiedSendsAnEmergencyStraightToTheTownship) {
  Case submitted = Submitted();
  submitted.set_emergency(true);
  Case c = Fold(submitted, Event(2, "grid_verified { grid_code: 'G1' community_code: 'CM1' township_code: 'T1' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.holder_unit(), "T1");
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
}

TEST(ApplyEventTest, GridVerifiedNeedsTheWholePlacement) {
  EXPECT_EQ(ApplyEvent(Submitted(), Event(2, "grid_verified { grid_code: 'G1' township_code: 'T1' }")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ApplyEvent(Submitted(), Event(2, "grid_verified { community_code: 'CM1' township_code: 'T1' }")).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ApplyEvent(Submitted(), Event(2, "grid_verified { grid_code: 'G1' community_code: 'CM1' }")).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, GridMarkedInvalidEndsTheCase) {
  Case c = Fold(Submitted(), Event(2, "grid_marked_invalid { reason: 'prank call' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_INVALID);
  EXPECT_EQ(c.holder_unit(), "");
}

TEST(ApplyEventTest, GridMarkedDuplicateLinksTheOtherCase) {
  Case c = Fold(Submitted(), Event(2, "grid_marked_duplicate { duplicate_of: 'c-0' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DUPLICATE);
  EXPECT_EQ(c.duplicate_of(), "c-0");
  EXPECT_EQ(c.holder_unit(), "");
  EXPECT_EQ(ApplyEvent(Submitted(), Event(2, "grid_marked_duplicate {}")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, CommunityHandledLocallyStaysWithTheCommunity) {
  Case c = Fold(AwaitingCommunity(), Event(3, "community_handled_locally { note: 'mediated' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_HANDLING_LOCALLY);
  EXPECT_EQ(c.holder_unit(), "CM1");
  EXPECT_EQ(c.level(), v1::LEVEL_COMMUNITY);
}

TEST(ApplyEventTest, CommunityEscalatedGoesToTheTownship) {
  Case c = Fold(AwaitingCommunity(), Event(3, "community_escalated { township_code: 'T1' reason: 'too big' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.holder_unit(), "T1");
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(ApplyEvent(AwaitingCommunity(), Event(3, "community_escalated { reason: 'x' }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, TownshipDispatchedSendsToTheDepartment) {
  Case c = Fold(AwaitingDispatch(),
                Event(4, "township_dispatched { department_code: 'D-ROADS' catalogue_item: 'road.pothole' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-ROADS");
  EXPECT_EQ(c.catalogue_item(), "road.pothole");
  EXPECT_EQ(c.holder_unit(), "D-ROADS");
  EXPECT_EQ(Held(c), (std::vector<std::string>{"D-ROADS"}));
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(ApplyEvent(AwaitingDispatch(), Event(4, "township_dispatched { by_catalogue: true }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, DepartmentAcceptedStartsWork) {
  Case c = InProgress();
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(c.department_code(), "D-WATER");
  EXPECT_EQ(c.holder_unit(), "D-WATER");
}

TEST(ApplyEventTest, DepartmentTransferredGoesToTheNewDepartment) {
  Case c = Fold(InProgress(), Event(6,
                                    "department_transferred { from_department_code: 'D-WATER' "
                                    "to_department_code: 'D-ROADS' reason: 'road works' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-ROADS");
  EXPECT_EQ(c.holder_unit(), "D-ROADS");
  EXPECT_EQ(Held(c), (std::vector<std::string>{"D-WATER", "D-ROADS"}));
  EXPECT_EQ(ApplyEvent(InProgress(), Event(6, "department_transferred { reason: 'x' }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, DepartmentReturnedGoesBackToTheTownship) {
  Case c = Fold(Dispatched(), Event(5, "department_returned { department_code: 'D-WATER' reason: 'not ours' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.department_code(), "");
  EXPECT_EQ(c.holder_unit(), "T1");
  EXPECT_EQ(Held(c), (std::vector<std::string>{"D-WATER"}));  // It still reads the case it held.
}

TEST(ApplyEventTest, DepartmentReturnedAtCountyLevelGoesToTheCounty) {
  Case c = Fold(Dispatched(), Event(5,
                                    "escalated { from_level: LEVEL_TOWNSHIP to_level: LEVEL_COUNTY "
                                    "to_unit_code: 'C1' }"));
  c = Fold(c, Event(6, "department_returned { department_code: 'D-WATER' reason: 'not ours' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.holder_unit(), "C1");
  EXPECT_EQ(c.level(), v1::LEVEL_COUNTY);
}

TEST(ApplyEventTest, ExtensionEventsOnlyAdvanceTheVersion) {
  Case c = InProgress();
  Case requested = Fold(c, Event(6, "extension_requested { extra { seconds: 86400 } reason: 'parts' }"));
  ExpectOnlyVersionChanged(c, requested);
  EXPECT_EQ(requested.updated_at().seconds(), 1'700'000'006);
  Case decided = Fold(requested, Event(7, "extension_decided { approved: true extra { seconds: 86400 } }"));
  ExpectOnlyVersionChanged(requested, decided);
}

TEST(ApplyEventTest, ResolvedRecordsTheReply) {
  Case c = Resolved();
  EXPECT_EQ(c.status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(c.resolution_reply(), "Pipe replaced");
  EXPECT_EQ(c.holder_unit(), "D-WATER");
}

TEST(ApplyEventTest, ResolvedLocallyIsHeldByTheCommunity) {
  Case c = Fold(AwaitingCommunity(), Event(3, "community_handled_locally {}"));
  c = Fold(c, Event(4, "resolved { reply: 'neighbours agreed' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(c.holder_unit(), "CM1");
}

TEST(ApplyEventTest, ResidentRatedKeepsTheCaseResolved) {
  Case c = Resolved();
  Case rated = Fold(c, Event(c.version() + 1, "resident_rated { satisfaction: SATISFACTION_SATISFIED cycle: 1 }"));
  ExpectOnlyVersionChanged(c, rated);
  EXPECT_EQ(rated.status(), v1::CASE_STATUS_RESOLVED);
}

TEST(ApplyEventTest, ReopenedGoesBackToTheDepartmentInANewCycle) {
  Case c = Resolved();
  c = Fold(c, Event(c.version() + 1, "reopened { department_code: 'D-WATER' reason: 'still leaking' cycle: 2 }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(c.department_code(), "D-WATER");
  EXPECT_EQ(c.holder_unit(), "D-WATER");
  EXPECT_EQ(c.reopen_count(), 1);
  EXPECT_EQ(c.cycle(), 2);
  EXPECT_EQ(Held(c), (std::vector<std::string>{"D-WATER"}));  // Held once, listed once.
  EXPECT_EQ(c.resolution_reply(), "");
}

TEST(ApplyEventTest, ReopenedWithoutDepartmentGoesBackToTheCommunity) {
  Case c = Fold(AwaitingCommunity(), Event(3, "community_handled_locally {}"));
  c = Fold(c, Event(4, "resolved { reply: 'done' }"));
  c = Fold(c, Event(5, "reopened { reason: 'not done' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_HANDLING_LOCALLY);
  EXPECT_EQ(c.holder_unit(), "CM1");
  EXPECT_EQ(c.cycle(), 2);
}

TEST(ApplyEventTest, EscalatedFromTheGridGoesToTheCommunity) {
  Case c = Fold(Submitted(), Event(2,
                                   "escalated { from_level: LEVEL_GRID to_level: LEVEL_COMMUNITY "
                                   "to_unit_code: 'CM1' reason: 'not verified in time' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_EQ(c.level(), v1::LEVEL_COMMUNITY);
  EXPECT_EQ(c.holder_unit(), "CM1");
}

TEST(ApplyEventTest, EscalatedFromTheCommunityGoesToTheTownship) {
  Case c = Fold(AwaitingCommunity(), Event(3,
                                           "escalated { from_level: LEVEL_COMMUNITY to_level: LEVEL_TOWNSHIP "
                                           "to_unit_code: 'T1' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_AWAITING_DISPATCH);
  EXPECT_EQ(c.level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(c.holder_unit(), "T1");
}

TEST(ApplyEventTest, EscalatedToTheCountyKeepsTheDepartmentWorking) {
  Case c = Fold(InProgress(), Event(6,
                                    "escalated { from_level: LEVEL_TOWNSHIP to_level: LEVEL_COUNTY "
                                    "to_unit_code: 'C1' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(c.level(), v1::LEVEL_COUNTY);
  EXPECT_EQ(c.holder_unit(), "C1");
  EXPECT_EQ(c.department_code(), "D-WATER");
}

TEST(ApplyEventTest, EscalatedNeedsLevelAndUnit) {
  EXPECT_EQ(ApplyEvent(InProgress(), Event(6, "escalated { to_unit_code: 'C1' }")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyEvent(InProgress(), Event(6, "escalated { to_level: LEVEL_COUNTY }")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ApplyEventTest, DeadlineSetIsAdvisoryAtAnyVersion) {
  Case c = InProgress();
  const absl::string_view deadline = "deadline_set { clock: CLOCK_KIND_COMPLETION due_at { seconds: 1700500000 } }";
  absl::Status advisory = ApplyEvent(c, Event(0, deadline)).status();
  EXPECT_EQ(advisory.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(advisory.message().find("advisory"), absl::string_view::npos) << advisory;
  absl::Status versioned = ApplyEvent(c, Event(c.version() + 1, deadline)).status();
  EXPECT_EQ(versioned.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(versioned.message().find("advisory"), absl::string_view::npos) << versioned;
}

// --- Pause (挂起: waiting for the resident) ---

Case PausedInProgress() {
  Case c = InProgress();
  return Fold(c, Event(c.version() + 1, "paused { reason: 'resident away until Friday' }"));
}
Case HandlingLocally() {
  Case c = AwaitingCommunity();
  return Fold(c, Event(c.version() + 1, "community_handled_locally { note: 'mediate' }"));
}
Case PausedLocally() {
  Case c = HandlingLocally();
  return Fold(c, Event(c.version() + 1, "paused { reason: 'neighbour abroad' }"));
}

TEST(ApplyEventTest, PausedSetsTheFlagAndKeepsEverythingElse) {
  const Case c = InProgress();
  ASSERT_FALSE(c.paused());
  const Case paused = PausedInProgress();
  EXPECT_TRUE(paused.paused());
  Case expected = paused;
  expected.set_paused(false);
  ExpectOnlyVersionChanged(c, expected);
  EXPECT_EQ(paused.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_EQ(paused.holder_unit(), "D-WATER");

  const Case local = PausedLocally();
  EXPECT_TRUE(local.paused());
  EXPECT_EQ(local.status(), v1::CASE_STATUS_HANDLING_LOCALLY);
  EXPECT_EQ(local.holder_unit(), "CM1");
}

TEST(ApplyEventTest, ResumedClearsTheFlagAndKeepsEverythingElse) {
  const Case paused = PausedInProgress();
  const Case resumed = Fold(paused, Event(paused.version() + 1, "resumed { note: 'resident back' }"));
  EXPECT_FALSE(resumed.paused());
  Case expected = resumed;
  expected.set_paused(true);
  ExpectOnlyVersionChanged(paused, expected);
  // A case may wait for the resident more than once.
  const Case again = Fold(resumed, Event(resumed.version() + 1, "paused { reason: 'away again' }"));
  EXPECT_TRUE(again.paused());
  EXPECT_EQ(again.status(), v1::CASE_STATUS_IN_PROGRESS);
}

TEST(ApplyEventTest, PauseEventsNeedNoText) {
  // The machine requires a reason; the fold replays whatever was accepted.
  Case c = InProgress();
  c = Fold(c, Event(c.version() + 1, "paused {}"));
  EXPECT_TRUE(c.paused());
  c = Fold(c, Event(c.version() + 1, "resumed {}"));
  EXPECT_FALSE(c.paused());
}

struct PauseEndCase {
  const char* name;
  bool local;  // Paused by the community in HANDLING_LOCALLY rather than by the department in IN_PROGRESS.
  const char* payload;
  v1::CaseStatus status_after;
};

void PrintTo(const PauseEndCase& param, std::ostream* os) { *os << param.name; }

class PauseEndsTest : public ::testing::TestWithParam<PauseEndCase> {};

TEST_P(PauseEndsTest, EventTakingTheCaseFromItsHolderEndsThePause) {
  const PauseEndCase& param = GetParam();
  const Case paused = param.local ? PausedLocally() : PausedInProgress();
  ASSERT_TRUE(paused.paused());
  const Case after = Fold(paused, Event(paused.version() + 1, param.payload));
  EXPECT_EQ(after.status(), param.status_after) << v1::CaseStatus_Name(after.status());
  EXPECT_FALSE(after.paused());
}

INSTANTIATE_TEST_SUITE_P(
    Events, PauseEndsTest,
    ::testing::Values(
        PauseEndCase{"Resolved", false, "resolved { reply: 'fixed' }", v1::CASE_STATUS_RESOLVED},
        PauseEndCase{"ResolvedLocally", true, "resolved { reply: 'agreed' }", v1::CASE_STATUS_RESOLVED},
        PauseEndCase{"Transferred", false,
                     "department_transferred { from_department_code: 'D-WATER' to_department_code: 'D-ROADS' "
                     "reason: 'road' }",
                     v1::CASE_STATUS_DISPATCHED},
        PauseEndCase{"Returned", false, "department_returned { department_code: 'D-WATER' reason: 'not ours' }",
                     v1::CASE_STATUS_AWAITING_DISPATCH},
        PauseEndCase{"CommunityEscalated", true, "community_escalated { township_code: 'T1' reason: 'too big' }",
                     v1::CASE_STATUS_AWAITING_DISPATCH},
        PauseEndCase{"EscalatedToTheTownship", true,
                     "escalated { from_level: LEVEL_COMMUNITY to_level: LEVEL_TOWNSHIP to_unit_code: 'T1' }",
                     v1::CASE_STATUS_AWAITING_DISPATCH},
        PauseEndCase{"Closed", false, "closed { reason: REASON_ADMINISTRATIVE note: 'withdrawn' }",
                     v1::CASE_STATUS_CLOSED},
        PauseEndCase{"ClosedLocally", true, "closed { reason: REASON_ADMINISTRATIVE note: 'withdrawn' }",
                     v1::CASE_STATUS_CLOSED}),
    [](const ::testing::TestParamInfo<PauseEndCase>& info) { return std::string(info.param.name); });

TEST(ApplyEventTest, ReopenedStartsTheNewCycleUnpaused) {
  // The machine never leaves a resolved case paused; the fold clears the flag on reopening whatever came before.
  for (absl::string_view reopen : {"reopened { department_code: 'D-WATER' reason: 'still leaking' cycle: 2 }",
                                   "reopened { reason: 'not done' cycle: 2 }"}) {
    Case c = Resolved();
    c = Fold(c, Event(c.version() + 1, "paused { reason: 'lenient replay' }"));
    ASSERT_TRUE(c.paused());
    c = Fold(c, Event(c.version() + 1, reopen));
    EXPECT_FALSE(c.paused()) << reopen;
    EXPECT_EQ(c.cycle(), 2) << reopen;
  }
}

TEST(ApplyEventTest, WorkOnAPausedCaseKeepsItPaused) {
  Case c = PausedInProgress();
  for (absl::string_view payload : {
           "extension_requested { extra { seconds: 86400 } reason: 'parts' }",
           "extension_decided { approved: true extra { seconds: 86400 } }",
           "co_requester_added { resident { name: 'Wang' } request_ref: 'k-2' }",
           // The department keeps working at county level, still waiting for the resident.
           "escalated { from_level: LEVEL_TOWNSHIP to_level: LEVEL_COUNTY to_unit_code: 'C1' }",
       }) {
    c = Fold(c, Event(c.version() + 1, payload));
    EXPECT_TRUE(c.paused()) << payload;
    EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_PROGRESS) << payload;
  }
  EXPECT_EQ(c.level(), v1::LEVEL_COUNTY);
  Case local = PausedLocally();
  local = Fold(local, Event(local.version() + 1, "co_requester_added { resident { phone: '139' } request_ref: 'k' }"));
  EXPECT_TRUE(local.paused());
}

TEST(ApplyEventTest, ClosedEndsTheCase) {
  Case c = Resolved();
  c = Fold(c, Event(c.version() + 1, "closed { reason: REASON_RATED }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(c.holder_unit(), "");
  EXPECT_EQ(c.resolution_reply(), "Pipe replaced");
}

TEST(ApplyEventTest, FoldIsLenientAboutState) {
  // The state machine decides what is allowed; an accepted event always replays, e.g. an administrative close of a
  // case that was never verified.
  Case c = Fold(Submitted(), Event(2, "closed { reason: REASON_ADMINISTRATIVE note: 'withdrawn' }"));
  EXPECT_EQ(c.status(), v1::CASE_STATUS_CLOSED);
}

TEST(ApplyEventTest, DoesNotModifyTheInput) {
  Case before = InProgress();
  const Case copy = before;
  ASSERT_TRUE(ApplyEvent(before, Event(6, "resolved { reply: 'ok' }")).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(before, copy));
}

TEST(ApplyEventTest, EveryPayloadIsHandled) {
  // A payload added to CaseEvent without a fold rule would fall through to "payload is required".
  const google::protobuf::OneofDescriptor* oneof = CaseEvent::descriptor()->FindOneofByName("payload");
  ASSERT_NE(oneof, nullptr);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = oneof->field(i);
    CaseEvent event = Event(6, "");
    event.GetReflection()->MutableMessage(&event, field);
    absl::Status status = ApplyEvent(InProgress(), event).status();
    EXPECT_EQ(status.message().find("payload is required"), absl::string_view::npos) << field->name() << status;
  }
}

TEST(ApplyEventTest, PersonalDataErasedMarksTheNamedSealedResidentsErasedAndKeepsTheRest) {
  Case c = FoldAll({R"pb(
    submitted {
      initial {
        id: "c-1"
        resident { sealed { key_id: "k1" ciphertext: "box1" } }
        text: "Water pipe leaking in building 3"
        location { grid_code: "G1" community_code: "CM1" township_code: "T1" county_code: "C1" }
      }
    })pb",
                    R"pb(co_requester_added { resident { sealed { key_id: "k2" ciphertext: "box2" } } })pb",
                    R"pb(co_requester_added { resident { sealed { key_id: "k3" ciphertext: "box3" } } })pb"});
  Case erased = Fold(c, Event(4, R"pb(personal_data_erased { key_ids: "k1" key_ids: "k3" reason: REASON_REQUEST })pb"));
  EXPECT_TRUE(erased.resident().erased());
  EXPECT_FALSE(erased.resident().has_sealed());
  EXPECT_FALSE(erased.co_requesters(0).erased());
  EXPECT_EQ(erased.co_requesters(0).sealed().key_id(), "k2");
  EXPECT_TRUE(erased.co_requesters(1).erased());
  EXPECT_EQ(erased.text(), c.text());
  EXPECT_EQ(erased.holder_unit(), c.holder_unit());
  EXPECT_EQ(erased.version(), 4);

  // No key named: every sealed resident.
  Case all = Fold(c, Event(4, R"pb(personal_data_erased { reason: REASON_RETENTION })pb"));
  EXPECT_TRUE(all.resident().erased());
  EXPECT_TRUE(all.co_requesters(0).erased());
  EXPECT_TRUE(all.co_requesters(1).erased());
}

}  // namespace
}  // namespace gridcase::cases
