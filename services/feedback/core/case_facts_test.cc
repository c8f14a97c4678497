#include "services/feedback/core/case_facts.h"

#include <algorithm>
#include <random>

#include "gtest/gtest.h"
#include "services/feedback/core/case_script.h"
#include "services/feedback/core/memory_store.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/rating_store.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

using testing::CaseScript;
using testing::FixtureStart;

absl::Time H(double hours) { return FixtureStart() + absl::Seconds(hours * 3600); }

v1::FeedbackCaseState StateOf(const std::vector<v1::CaseEvent>& events) {
  v1::FeedbackCaseState state;
  std::vector<v1::CaseEvent> versioned;
  for (const v1::CaseEvent& e : events) {
    if (e.case_version() > 0) {
      versioned.push_back(e);
    } else {
      *state.add_advisories() = e;
    }
  }
  std::sort(versioned.begin(), versioned.end(),
            [](const v1::CaseEvent& a, const v1::CaseEvent& b) { return a.case_version() < b.case_version(); });
  for (const v1::CaseEvent& e : versioned) *state.add_events() = e;
  return state;
}

CaseScript DepartmentCase(double accept_after_dispatch) {
  CaseScript c("GC-1", H(0), v1::CHANNEL_HOTLINE_12345, v1::CATEGORY_SIMPLE);
  c.Located(testing::kGrid1)
      .Verify(H(1), testing::kGrid1, "municipal.manhole-cover", "p0003")
      .CommunityEscalate(H(2))
      .Dispatch(H(3), testing::kUrbanManagement)
      .Accept(H(3 + accept_after_dispatch));
  return c;
}

const SignOff* Stage(const CaseFacts& facts, const std::string& stage) {
  for (const SignOff& s : facts.sign_offs) {
    if (s.stage == stage) return &s;
  }
  return nullptr;
}

TEST(CaseFactsTest, SignOffOutcomesFollowTheDeadline) {
  FallbackDeadlines fallback;  // 4 h
  CaseFacts facts = ComputeFacts(StateOf(DepartmentCase(4).events()), fallback);
  ASSERT_EQ(facts.sign_offs.size(), 4u);
  EXPECT_EQ(Stage(facts, kStageGridVerification)->outcome, SignOff::Outcome::kOnTime);
  EXPECT_EQ(Stage(facts, kStageGridVerification)->holder, testing::kGrid1);
  EXPECT_EQ(Stage(facts, kStageCommunity)->outcome, SignOff::Outcome::kExcluded) << "escalated within its time";
  EXPECT_EQ(Stage(facts, kStageTownshipDispatch)->outcome, SignOff::Outcome::kOnTime);
  const SignOff* department = Stage(facts, kStageDepartment);
  EXPECT_EQ(department->outcome, SignOff::Outcome::kOnTime) << "exactly at the fallback deadline";
  EXPECT_EQ(department->holder, testing::kUrbanManagement);
  EXPECT_FALSE(department->due_from_sla);

  EXPECT_EQ(Stage(ComputeFacts(StateOf(DepartmentCase(4.5).events()), fallback), kStageDepartment)->outcome,
            SignOff::Outcome::kLate);

  // The SLA service's deadline wins over the fallback: 2 h here.
  CaseScript sla = DepartmentCase(3);
  sla.SignOffDeadline(4, 1, H(5), 4);
  const SignOff* with_sla = Stage(ComputeFacts(StateOf(sla.events()), fallback), kStageDepartment);
  EXPECT_TRUE(with_sla->due_from_sla);
  EXPECT_EQ(with_sla->due, H(5));
  EXPECT_EQ(with_sla->outcome, SignOff::Outcome::kLate);

  // A breach reported while nobody signed off counts as late before anything else happens.
  CaseScript pending("GC-2", H(0), v1::CHANNEL_APP, v1::CATEGORY_SIMPLE);
  pending.Located(testing::kGrid1).Verify(H(1), testing::kGrid1, "municipal.street-light", "p0003");
  CaseFacts running = ComputeFacts(StateOf(pending.events()), fallback);
  EXPECT_EQ(Stage(running, kStageCommunity)->outcome, SignOff::Outcome::kPending);
  pending.SignOffBreach(2, 1, H(5));
  EXPECT_EQ(Stage(ComputeFacts(StateOf(pending.events()), fallback), kStageCommunity)->outcome,
            SignOff::Outcome::kLate);
}

TEST(CaseFactsTest, CyclesResolutionsRatingsAndOverdue) {
  CaseScript c = DepartmentCase(1);
  c.CompletionDeadline(1, H(48), 1)
      .Resolve(H(50))
      .Rate(H(52), v1::SATISFACTION_DISSATISFIED, false)
      .Reopen(H(53))
      .Accept(H(54))
      .Resolve(H(60))
      .Rate(H(61), v1::SATISFACTION_SATISFIED, true)
      .Close(H(62), v1::CaseClosed::REASON_RATED);
  CaseFacts facts = ComputeFacts(StateOf(c.events()), FallbackDeadlines());
  ASSERT_EQ(facts.cycles.size(), 2u);
  EXPECT_TRUE(facts.cycles[0].overdue);
  EXPECT_FALSE(facts.cycles[0].on_time);
  EXPECT_EQ(facts.cycles[0].resolver, testing::kUrbanManagement);
  EXPECT_EQ(facts.cycles[0].rating->satisfaction, v1::SATISFACTION_DISSATISFIED);
  EXPECT_TRUE(facts.cycles[0].reopened_at.has_value());
  EXPECT_EQ(facts.cycles[1].started_at, H(53));
  EXPECT_EQ(facts.cycles[1].due, H(53 + 120)) << "no SLA deadline for cycle 2: the fallback";
  EXPECT_TRUE(facts.cycles[1].on_time);
  EXPECT_EQ(facts.cycles[1].rating->satisfaction, v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(facts.current.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(facts.verification->person_id, "p0003");
  EXPECT_TRUE(facts.verification->on_time);
  ASSERT_EQ(facts.receipts.size(), 2u);  // Dispatched, reopened.
}

TEST(CaseFactsTest, GapsWaitForTheMissingVersion) {
  CaseScript c = DepartmentCase(1);
  std::vector<v1::CaseEvent> events = c.events();
  events.erase(events.begin() + 2);  // community_escalated (version 3) not there yet
  CaseFacts facts = ComputeFacts(StateOf(events), FallbackDeadlines());
  EXPECT_EQ(facts.folded_version, 2);
  EXPECT_EQ(facts.current.status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_FALSE(ComputeFacts(StateOf({c.events()[1]}), FallbackDeadlines()).known) << "no submitted event";
}

// The recorder's counters do not depend on the order events arrive in, and a deadline that arrives after the
// sign-off it concerns corrects the count.
TEST(StatsRecorderTest, CountersAreTheSameInAnyOrder) {
  CaseScript c = DepartmentCase(3);
  c.SignOffDeadline(4, 1, H(5), 4)
      .Resolve(H(30))
      .Rate(H(32), v1::SATISFACTION_SATISFIED, true)
      .Close(H(33), v1::CaseClosed::REASON_RATED);
  FeedbackPolicy policy;
  MemoryFeedbackStore ordered;
  StatsRecorder ordered_recorder(&ordered, policy);
  for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(ordered_recorder.Record(e, H(40)).ok());
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<v1::CaseEvent> shuffled = c.events();
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    MemoryFeedbackStore store;
    StatsRecorder recorder(&store, policy);
    for (const v1::CaseEvent& e : shuffled) ASSERT_TRUE(recorder.Record(e, H(40)).ok());
    for (const v1::CaseEvent& e : shuffled) ASSERT_TRUE(recorder.Record(e, H(40)).ok());  // Redelivered.
    ASSERT_EQ(store.Counters(), ordered.Counters()) << "round " << round;
  }
  // The department signed off 3 h after dispatch: late against the SLA's 2 h.
  const std::string day = PeriodsOf(H(3))[0];
  auto row = ordered.ReadRows(day, {UnitRow(testing::kUrbanManagement)});
  ASSERT_TRUE(row.ok());
  EXPECT_EQ((*row)[0].at(field::kSignOffsDue), 1);
  EXPECT_FALSE((*row)[0].contains(field::kSignOffsOnTime)) << "a counter back at 0 is removed";

  // Without the deadline event the fallback (4 h) made it on time; the deadline arriving last corrects it.
  MemoryFeedbackStore late_deadline;
  StatsRecorder recorder(&late_deadline, policy);
  const v1::CaseEvent* deadline = nullptr;
  for (const v1::CaseEvent& e : c.events()) {
    if (e.case_version() == 0) {
      deadline = &e;
      continue;
    }
    ASSERT_TRUE(recorder.Record(e, H(40)).ok());
  }
  auto before = late_deadline.ReadRows(day, {UnitRow(testing::kUrbanManagement)});
  EXPECT_EQ((*before)[0].at(field::kSignOffsOnTime), 1);
  ASSERT_TRUE(recorder.Record(*deadline, H(40)).ok());
  EXPECT_EQ(late_deadline.Counters(), ordered.Counters());
}

// A case's state keeps what the statistics read, not the request's own words: the same facts, a smaller state.
TEST(StatsRecorderTest, TheStoredStateLeavesOutTheRequestsWordsAndCountsTheSame) {
  CaseScript c = DepartmentCase(1);
  c.Resolve(H(20)).Rate(H(21), v1::SATISFACTION_SATISFIED, true);
  std::vector<v1::CaseEvent> events = c.events();
  v1::Case* initial = events[0].mutable_submitted()->mutable_initial();
  ASSERT_EQ(events[0].case_version(), 1);
  initial->set_title("井盖丢失");
  initial->set_text(std::string(300, 'x'));
  initial->add_media_urls("https://example.org/manhole.jpg");
  initial->mutable_classification()->set_summary("事项 井盖缺失（井盖、没了）；紧急: 无防护的坑洞");
  FeedbackPolicy policy;
  MemoryFeedbackStore store;
  StatsRecorder recorder(&store, policy);
  for (const v1::CaseEvent& e : events) ASSERT_TRUE(recorder.Record(e, H(22)).ok());

  auto stored = store.LoadCase("GC-1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const v1::Case& kept = (*stored)->events(0).submitted().initial();
  EXPECT_TRUE(kept.text().empty());
  EXPECT_EQ(kept.media_urls_size(), 0);
  EXPECT_FALSE(kept.has_classification());
  EXPECT_EQ(kept.title(), "井盖丢失") << "reports and public disclosure show the title";

  const Contribution full = Contribute(ComputeFacts(StateOf(events), policy.fallback));
  google::protobuf::RepeatedPtrField<v1::StatFact> full_facts(full.facts.begin(), full.facts.end());
  EXPECT_EQ(Expand((*stored)->facts()), Expand(full_facts)) << "the same counters as from the whole events";
  EXPECT_FALSE(Expand(full_facts).empty());
  EXPECT_EQ(ComputeFacts(**stored, policy.fallback).current.title(), "井盖丢失");
}

TEST(StatsRecorderTest, ResolutionOpensTheRatingSlotAndRatingsScheduleTheirSettlement) {
  FeedbackPolicy policy;
  MemoryFeedbackStore store;
  StatsRecorder recorder(&store, policy);
  CaseScript c = DepartmentCase(1);
  c.Resolve(H(20));
  for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(recorder.Record(e, H(21)).ok());
  auto slot = store.LoadSlot("GC-1");
  ASSERT_TRUE(slot.ok() && slot->has_value());
  EXPECT_EQ((*slot)->cycle, 1);
  EXPECT_EQ((*slot)->deadline, H(20) + policy.rating.window);
  EXPECT_EQ((*slot)->resolver, testing::kUrbanManagement);
  EXPECT_EQ(store.ScheduledAt(SettleMember("GC-1", 1)), H(20) + policy.rating.window);

  c.Rate(H(22), v1::SATISFACTION_DISSATISFIED, false);
  ASSERT_TRUE(recorder.Record(c.events().back(), H(22)).ok());
  EXPECT_EQ(store.ScheduledAt(SettleMember("GC-1", 1)), H(22) + policy.rating.settle_retry);
}

TEST(StatsRecorderTest, AReopenPastTheLimitSchedulesTheEscalationCheck) {
  FeedbackPolicy policy;
  policy.rating.max_reopens = 1;
  MemoryFeedbackStore store;
  StatsRecorder recorder(&store, policy);
  CaseScript c = DepartmentCase(1);
  c.Resolve(H(10)).Rate(H(11), v1::SATISFACTION_DISSATISFIED, false).Reopen(H(12)).Accept(H(13));
  for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(recorder.Record(e, H(13)).ok());
  EXPECT_FALSE(store.ScheduledAt(EscalationMember("GC-1", 2)).has_value()) << "first reopen is within the limit";
  c.Resolve(H(20)).Rate(H(21), v1::SATISFACTION_DISSATISFIED, false).Reopen(H(22));
  for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(recorder.Record(e, H(22)).ok());
  EXPECT_EQ(store.ScheduledAt(EscalationMember("GC-1", 3)), H(22) + policy.rating.settle_retry);
}

}  // namespace
}  // namespace gridcase::feedback
