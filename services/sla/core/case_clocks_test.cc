#include "services/sla/core/case_clocks.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/events/proto_time.h"
#include "services/sla/core/planned_deadline.h"
#include "services/sla/core/test_util.h"

namespace gridcase::sla {
namespace {

using events::FromProto;
using events::ToProto;
using ::gridcase::sla::testing::Beijing;
using ::gridcase::sla::testing::Calendar2026;
using ::gridcase::sla::testing::HasSubstr;

constexpr char kCase[] = "GC-20260310-000001";
constexpr char kGrid[] = "330199001001001";
constexpr char kCommunity[] = "330199001001";
constexpr char kTownship[] = "330199001";

google::protobuf::Duration Hours(int hours) {
  google::protobuf::Duration d;
  d.set_seconds(hours * 3600);
  return d;
}

// Builds the versioned events of one case in order.
class Events {
 public:
  v1::CaseEvent Submitted(absl::Time at, v1::Category category = v1::CATEGORY_GENERAL, bool emergency = false) {
    v1::CaseEvent event = Next(at);
    v1::Case* c = event.mutable_submitted()->mutable_initial();
    c->set_id(kCase);
    c->set_category(category);
    c->set_emergency(emergency);
    c->set_title("井盖丢失");
    c->mutable_location()->set_grid_code(kGrid);
    c->mutable_location()->set_community_code(kCommunity);
    c->mutable_location()->set_township_code(kTownship);
    *c->mutable_created_at() = ToProto(at);
    return event;
  }
  v1::CaseEvent GridVerified(absl::Time at, v1::Category category = v1::CATEGORY_UNSPECIFIED) {
    v1::CaseEvent event = Next(at);
    v1::GridVerified* p = event.mutable_grid_verified();
    p->set_grid_code(kGrid);
    p->set_community_code(kCommunity);
    p->set_township_code(kTownship);
    p->set_category(category);
    return event;
  }
  v1::CaseEvent CommunityEscalated(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_community_escalated()->set_township_code(kTownship);
    return event;
  }
  v1::CaseEvent Dispatched(absl::Time at, const std::string& department = "330199.zfj") {
    v1::CaseEvent event = Next(at);
    event.mutable_township_dispatched()->set_department_code(department);
    return event;
  }
  v1::CaseEvent Accepted(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_department_accepted()->set_handler_id("h1");
    return event;
  }
  v1::CaseEvent Paused(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_paused()->set_reason("住户不在家");
    return event;
  }
  v1::CaseEvent Resumed(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_resumed()->set_note("已联系");
    return event;
  }
  v1::CaseEvent ExtensionDecided(absl::Time at, bool approved, int hours) {
    v1::CaseEvent event = Next(at);
    event.mutable_extension_decided()->set_approved(approved);
    *event.mutable_extension_decided()->mutable_extra() = Hours(hours);
    return event;
  }
  v1::CaseEvent Resolved(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_resolved()->set_reply("已修复");
    return event;
  }
  v1::CaseEvent Reopened(absl::Time at, const std::string& department = "330199.zfj") {
    v1::CaseEvent event = Next(at);
    event.mutable_reopened()->set_department_code(department);
    return event;
  }
  v1::CaseEvent Closed(absl::Time at) {
    v1::CaseEvent event = Next(at);
    event.mutable_closed()->set_reason(v1::CaseClosed::REASON_ADMINISTRATIVE);
    return event;
  }
  v1::CaseEvent Escalated(absl::Time at, v1::Level to, const std::string& unit) {
    v1::CaseEvent event = Next(at);
    event.mutable_escalated()->set_to_level(to);
    event.mutable_escalated()->set_to_unit_code(unit);
    return event;
  }

 private:
  v1::CaseEvent Next(absl::Time at) {
    v1::CaseEvent event;
    ++version_;
    event.set_case_id(kCase);
    event.set_case_version(version_);
    event.set_event_id(absl::StrCat(kCase, "/", version_));
    *event.mutable_occurred_at() = ToProto(at);
    return event;
  }
  int64_t version_ = 0;
};

class CaseClocksTest : public ::testing::Test {
 protected:
  CaseClocksTest() : policy_(DefaultSlaPolicy()), planner_(&policy_, &Calendar2026()) {}

  // Applies `event` to the test's state; fails the test when it does not apply.
  v1::SlaCaseState Apply(const v1::CaseEvent& event) {
    notes_.clear();
    absl::StatusOr<v1::SlaCaseState> after = planner_.Apply(state_, event, &notes_);
    EXPECT_TRUE(after.ok()) << after.status();
    if (after.ok()) state_ = *after;
    return state_;
  }

  const v1::SlaClockRecord& Clock(const std::string& id, int cycle = 1) {
    const v1::SlaClockRecord* record = FindClock(state_, id, cycle);
    EXPECT_NE(record, nullptr) << id;
    static const v1::SlaClockRecord* const empty = new v1::SlaClockRecord;
    return record == nullptr ? *empty : *record;
  }

  v1::CaseClock Read(const std::string& id, absl::Time at, int cycle = 1) {
    return planner_.Read(Clock(id, cycle), at);
  }

  // The pending DeadlineSet of `clock_id`, if the last event published one.
  std::optional<v1::DeadlineSet> Deadline(const std::string& clock_id) {
    for (const v1::CaseEvent& event : state_.pending_deadlines()) {
      if (event.event_id().find(absl::StrCat("/sla/", clock_id, "/")) != std::string::npos) {
        return event.deadline_set();
      }
    }
    return std::nullopt;
  }

  std::optional<absl::Time> Armed(const TimerPlan& plan, const std::string& clock_id, const std::string& name) {
    for (const PlannedAlarm& alarm : plan.arm) {
      if (alarm.id.clock_id == clock_id && alarm.id.name == name) return alarm.at;
    }
    return std::nullopt;
  }
  bool Cancelled(const TimerPlan& plan, const std::string& clock_id, const std::string& name) {
    for (const AlarmId& id : plan.cancel) {
      if (id.clock_id == clock_id && id.name == name) return true;
    }
    return false;
  }

  SlaPolicy policy_;
  ClockPlanner planner_;
  v1::SlaCaseState state_;
  std::vector<std::string> notes_;
  Events events_;
};

TEST(AlarmIdTest, MemberRoundTripsAndNamesTheEvent) {
  AlarmId id{kCase, "sign_off.v3", 2, "warn75"};
  EXPECT_EQ(id.Member(), "GC-20260310-000001|sign_off.v3|2|warn75");
  EXPECT_EQ(id.FiredKey(), "sign_off.v3|2|warn75");
  EXPECT_EQ(id.EventId(), "GC-20260310-000001/sla/sign_off.v3/2/warn75");
  absl::StatusOr<AlarmId> parsed = AlarmId::FromMember(id.Member());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, id);
  for (const char* bad : {"", "a|b|c", "a|completion|x|breach", "a|completion|1|warn100", "a|completion|1|nap",
                          "|completion|1|breach", "a|completion|1|escalate100", "a|b|1|breach|x"}) {
    EXPECT_FALSE(AlarmId::FromMember(bad).ok()) << bad;
  }
  EXPECT_EQ(AlarmPercent("warn50"), 50);
  EXPECT_EQ(AlarmPercent("breach"), 100);
  EXPECT_EQ(AlarmPercent("escalate200"), 200);
  EXPECT_EQ(AlarmPercent("warn0"), std::nullopt);
}

TEST_F(CaseClocksTest, SubmittedStartsGridVerificationSignOffAndCompletion) {
  const absl::Time received = Beijing(2026, 3, 10, 10, 0);  // Tuesday.
  Apply(events_.Submitted(received));
  EXPECT_TRUE(notes_.empty());
  ASSERT_EQ(state_.clocks_size(), 2);

  const v1::SlaClockRecord& sign_off = Clock("sign_off.v1");
  EXPECT_EQ(sign_off.kind(), v1::CLOCK_KIND_SIGN_OFF);
  EXPECT_EQ(sign_off.stage(), "GRID_VERIFICATION");
  EXPECT_EQ(sign_off.holder_unit(), kGrid);
  // 核单 within 2 working hours; 办结 within 3 working days (Tue 10:00 → Fri 17:30).
  EXPECT_EQ(FromProto(Read("sign_off.v1", received).due_at()), Beijing(2026, 3, 10, 12, 0));
  EXPECT_EQ(FromProto(Read("completion", received).due_at()), Beijing(2026, 3, 13, 17, 30));

  // Both starts are announced, with deterministic ids.
  ASSERT_EQ(state_.pending_deadlines_size(), 2);
  EXPECT_EQ(state_.pending_deadlines(0).event_id(), "GC-20260310-000001/sla/sign_off.v1/1/deadline.v1");
  EXPECT_EQ(state_.pending_deadlines(1).event_id(), "GC-20260310-000001/sla/completion/1/deadline.v1");
  for (const v1::CaseEvent& event : state_.pending_deadlines()) {
    EXPECT_EQ(event.case_version(), 0);
    EXPECT_EQ(event.actor().role(), v1::ROLE_SYSTEM);
    EXPECT_EQ(event.actor().unit_code(), "sla");
    EXPECT_EQ(event.correlation_id(), "GC-20260310-000001/1");
  }
  EXPECT_EQ(FromProto(Deadline("completion")->due_at()), Beijing(2026, 3, 13, 17, 30));
  EXPECT_FALSE(Deadline("completion")->stopped());
  EXPECT_EQ(Deadline("completion")->cycle(), 1);

  // Warnings at 50 % and 75 %, the breach, and the county rung at 200 % of the completion clock.
  TimerPlan plan = planner_.Timers(state_, {}, /*all_clocks=*/false);
  EXPECT_TRUE(plan.cancel.empty());
  EXPECT_EQ(plan.arm.size(), 3u + 4u);
  EXPECT_EQ(Armed(plan, "sign_off.v1", "warn50"), Beijing(2026, 3, 10, 11, 0));
  EXPECT_EQ(Armed(plan, "sign_off.v1", "warn75"), Beijing(2026, 3, 10, 11, 30));
  EXPECT_EQ(Armed(plan, "sign_off.v1", "breach"), Beijing(2026, 3, 10, 12, 0));
  EXPECT_EQ(Armed(plan, "completion", "warn50"), Beijing(2026, 3, 12, 9, 30));  // 13.5 of 27 working hours.
  EXPECT_EQ(Armed(plan, "completion", "breach"), Beijing(2026, 3, 13, 17, 30));
  EXPECT_EQ(Armed(plan, "completion", "escalate200"), Beijing(2026, 3, 19, 16, 30));

  std::vector<DueEntry> due = planner_.DueEntries(state_, false);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1], (DueEntry{"GC-20260310-000001|completion|1", Beijing(2026, 3, 13, 17, 30)}));
}

TEST_F(CaseClocksTest, TheStateKeepsWhatClocksReadAndLeavesOutTheRequestsWordsAndResidents) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  v1::CaseEvent submitted = events_.Submitted(t0);
  v1::Case* c = submitted.mutable_submitted()->mutable_initial();
  c->set_text(std::string(3000, 'x'));
  c->mutable_resident()->set_name("张三");
  c->add_media_urls("https://example.org/p.jpg");
  c->mutable_classification()->set_summary("目录事项 井盖缺失");
  const v1::SlaCaseState full = Apply(submitted);
  EXPECT_TRUE(state_.case_().text().empty());
  EXPECT_FALSE(state_.case_().has_resident());
  EXPECT_EQ(state_.case_().media_urls_size(), 0);
  EXPECT_FALSE(state_.case_().has_classification());
  EXPECT_EQ(state_.case_().title(), "井盖丢失");
  EXPECT_EQ(state_.case_().location().grid_code(), kGrid);
  EXPECT_LT(state_.ByteSizeLong(), 1000u);

  // The clocks come out the same as from the whole case.
  Apply(events_.GridVerified(t0 + absl::Minutes(10)));
  Apply(events_.CommunityEscalated(t0 + absl::Minutes(20)));
  Apply(events_.Dispatched(t0 + absl::Minutes(30)));
  Apply(events_.Accepted(t0 + absl::Minutes(40)));
  Apply(events_.Resolved(Beijing(2026, 3, 12, 10, 0)));
  EXPECT_TRUE(state_.case_().resolution_reply().empty());
  EXPECT_EQ(state_.case_().status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_TRUE(Read("completion", Beijing(2026, 3, 12, 11, 0)).stopped());
}

TEST_F(CaseClocksTest, CompletionDueEqualsThePlannedDeadlineIntakeReports) {
  for (bool emergency : {false, true}) {
    for (v1::Category category : {v1::CATEGORY_SIMPLE, v1::CATEGORY_DIFFICULT}) {
      SCOPED_TRACE(absl::StrCat(v1::Category_Name(category), emergency ? " emergency" : ""));
      const absl::Time received = Beijing(2026, 2, 13, 18, 0);
      ClockPlanner planner(&policy_, &Calendar2026());
      Events events;
      absl::StatusOr<v1::SlaCaseState> state = planner.Apply({}, events.Submitted(received, category, emergency));
      ASSERT_TRUE(state.ok()) << state.status();
      absl::StatusOr<PlannedDeadline> planned =
          PlannedCompletionDue(policy_, Calendar2026(), category, emergency, received);
      ASSERT_TRUE(planned.ok()) << planned.status();
      EXPECT_EQ(FromProto(planner.Read(*FindClock(*state, "completion", 1), received).due_at()), planned->due);
    }
  }
}

TEST_F(CaseClocksTest, StageTransitionsRestartTheSignOffClockForTheNewHolder) {
  const absl::Time t0 = Beijing(2026, 3, 10, 9, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.GridVerified(t0 + absl::Minutes(30)));
  // The grid signed off; the community must sign off within 4 working hours.
  EXPECT_TRUE(Read("sign_off.v1", t0 + absl::Hours(1)).stopped());
  EXPECT_FALSE(Read("sign_off.v1", t0 + absl::Hours(1)).breached());
  const v1::SlaClockRecord& community = Clock("sign_off.v2");
  EXPECT_EQ(community.stage(), "COMMUNITY");
  EXPECT_EQ(community.holder_unit(), kCommunity);
  EXPECT_EQ(FromProto(Read("sign_off.v2", t0 + absl::Hours(1)).due_at()), Beijing(2026, 3, 10, 15, 0));
  ASSERT_TRUE(Deadline("sign_off.v1").has_value());
  EXPECT_TRUE(Deadline("sign_off.v1")->stopped());
  EXPECT_FALSE(Deadline("sign_off.v2")->stopped());
  EXPECT_FALSE(Deadline("completion").has_value()) << "the completion clock did not move";

  // Timers of the stopped clock that lie after the stop go; the new clock's are armed.
  TimerPlan plan = planner_.Timers(state_, {}, false);
  EXPECT_TRUE(Cancelled(plan, "sign_off.v1", "warn50"));
  EXPECT_TRUE(Cancelled(plan, "sign_off.v1", "breach"));
  EXPECT_TRUE(Armed(plan, "sign_off.v2", "breach").has_value());
  EXPECT_FALSE(Armed(plan, "completion", "breach").has_value()) << "untouched clocks are left as armed";

  Apply(events_.CommunityEscalated(t0 + absl::Hours(1)));
  EXPECT_EQ(Clock("sign_off.v3").stage(), "TOWNSHIP_DISPATCH");
  EXPECT_EQ(Clock("sign_off.v3").holder_unit(), kTownship);
  Apply(events_.Dispatched(t0 + absl::Hours(2)));
  EXPECT_EQ(Clock("sign_off.v4").stage(), "DEPARTMENT");
  EXPECT_EQ(Clock("sign_off.v4").holder_unit(), "330199.zfj");
  Apply(events_.Accepted(t0 + absl::Hours(2) + absl::Minutes(10)));
  EXPECT_TRUE(Read("sign_off.v4", t0 + absl::Hours(3)).stopped());
  EXPECT_EQ(FindClock(state_, "sign_off.v5", 1), nullptr) << "accepting starts no sign-off clock";
  int running = 0;
  for (const v1::SlaClockRecord& record : state_.clocks())
    running += Read(record.id(), t0 + absl::Hours(3)).stopped() ? 0 : 1;
  EXPECT_EQ(running, 1) << "only the completion clock runs";
}

TEST_F(CaseClocksTest, CategoryChangeAtGridVerificationReplansTheCompletionClock) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0, v1::CATEGORY_DIFFICULT));
  EXPECT_EQ(FromProto(Read("completion", t0).due_at()), Beijing(2026, 3, 31, 17, 30));  // 15 working days.
  Apply(events_.GridVerified(t0 + absl::Hours(1), v1::CATEGORY_SIMPLE));
  // Same start, simple: 1 working day.
  EXPECT_EQ(FromProto(Read("completion", t0 + absl::Hours(1)).started_at()), t0);
  EXPECT_EQ(FromProto(Read("completion", t0 + absl::Hours(1)).due_at()), Beijing(2026, 3, 11, 17, 30));
  ASSERT_TRUE(Deadline("completion").has_value());
  EXPECT_EQ(FromProto(Deadline("completion")->due_at()), Beijing(2026, 3, 11, 17, 30));
  // The simple category's 2-hour sign-off for the community.
  EXPECT_EQ(FromProto(Read("sign_off.v2", t0 + absl::Hours(1)).due_at()), Beijing(2026, 3, 10, 14, 30));
  TimerPlan plan = planner_.Timers(state_, {}, false);
  EXPECT_EQ(Armed(plan, "completion", "breach"), Beijing(2026, 3, 11, 17, 30));
}

TEST_F(CaseClocksTest, EmergencyClocksRunOnCalendarMinutes) {
  const absl::Time t0 = Beijing(2026, 10, 1, 22, 0);  // 国庆, at night.
  Apply(events_.Submitted(t0, v1::CATEGORY_GENERAL, /*emergency=*/true));
  EXPECT_EQ(FromProto(Read("sign_off.v1", t0).due_at()), t0 + absl::Minutes(10));
  EXPECT_EQ(FromProto(Read("completion", t0).due_at()), Beijing(2026, 10, 2, 2, 0));
  // Emergency cases skip the community: grid verification hands them to township dispatch.
  Apply(events_.GridVerified(t0 + absl::Minutes(5)));
  EXPECT_EQ(Clock("sign_off.v2").stage(), "TOWNSHIP_DISPATCH");
  EXPECT_EQ(FromProto(Read("sign_off.v2", t0 + absl::Minutes(5)).due_at()), t0 + absl::Minutes(15));
  // The emergency ladder: township from the start, county at the breach.
  FireDecision breach = planner_.Decide(state_, {}, AlarmId{kCase, "completion", 1, "breach"}, t0 + absl::Hours(5));
  ASSERT_EQ(breach.kind, FireDecision::Kind::kFire);
  EXPECT_EQ(breach.event.sla_breached().escalate_to(), v1::LEVEL_COUNTY);
}

TEST_F(CaseClocksTest, PauseStopsCountingAndResumeMovesTheDueTime) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);  // Due Fri 13 Mar 17:30.
  Apply(events_.Submitted(t0));
  Apply(events_.Paused(Beijing(2026, 3, 11, 10, 0)));
  const absl::Time during = Beijing(2026, 3, 20, 10, 0);  // Long after the original due time.
  v1::CaseClock paused = Read("completion", during);
  EXPECT_TRUE(paused.paused());
  EXPECT_FALSE(paused.breached());
  // While paused no threshold after the pause is armed, and the clock leaves the due index.
  TimerPlan plan = planner_.Timers(state_, {}, false);
  EXPECT_TRUE(Cancelled(plan, "completion", "breach"));
  EXPECT_TRUE(Cancelled(plan, "completion", "warn50"));
  std::vector<DueEntry> due = planner_.DueEntries(state_, false);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].due, std::nullopt);
  EXPECT_FALSE(Deadline("completion").has_value()) << "pausing does not move the due time";

  // Paused Wed 10:00 – Thu 10:00 = 7 working hours: due Mon 16 Mar 17:30.
  Apply(events_.Resumed(Beijing(2026, 3, 12, 10, 0)));
  EXPECT_EQ(FromProto(Read("completion", Beijing(2026, 3, 12, 11, 0)).due_at()), Beijing(2026, 3, 16, 17, 30));
  ASSERT_TRUE(Deadline("completion").has_value());
  EXPECT_EQ(FromProto(Deadline("completion")->due_at()), Beijing(2026, 3, 16, 17, 30));
  plan = planner_.Timers(state_, {}, false);
  EXPECT_EQ(Armed(plan, "completion", "breach"), Beijing(2026, 3, 16, 17, 30));
  due = planner_.DueEntries(state_, false);
  EXPECT_EQ(due[0].due, Beijing(2026, 3, 16, 17, 30));

  // A resume without a pause does not apply: noted, nothing changes.
  v1::SlaCaseState before = state_;
  Apply(events_.Resumed(Beijing(2026, 3, 12, 11, 0)));
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_TRUE(HasSubstr(notes_[0], "resumed: clock completion cycle 1: resume: the clock is not paused"));
  EXPECT_EQ(state_.clocks(1).SerializeAsString(), before.clocks(1).SerializeAsString());
  EXPECT_EQ(state_.pending_deadlines_size(), 0);
}

TEST_F(CaseClocksTest, ClockBreachedBeforeAPauseStaysOverdue) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.Paused(Beijing(2026, 3, 16, 10, 0)));  // After Fri 17:30.
  std::vector<DueEntry> due = planner_.DueEntries(state_, false);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].due, Beijing(2026, 3, 13, 17, 30));
  EXPECT_TRUE(Read("completion", Beijing(2026, 3, 17, 10, 0)).breached());
}

TEST_F(CaseClocksTest, ApprovedExtensionMovesTheCompletionClock) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.ExtensionDecided(Beijing(2026, 3, 11, 9, 0), /*approved=*/false, 7));
  EXPECT_EQ(state_.touched_clocks_size(), 0);
  EXPECT_EQ(state_.pending_deadlines_size(), 0);
  Apply(events_.ExtensionDecided(Beijing(2026, 3, 11, 9, 0), /*approved=*/true, 7));
  EXPECT_EQ(FromProto(Read("completion", Beijing(2026, 3, 11, 10, 0)).due_at()), Beijing(2026, 3, 16, 17, 30));
  EXPECT_EQ(FromProto(Deadline("completion")->due_at()), Beijing(2026, 3, 16, 17, 30));
}

TEST_F(CaseClocksTest, ResolveStopsAndReopenStartsTheNextCycle) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.GridVerified(t0 + absl::Minutes(10)));
  Apply(events_.CommunityEscalated(t0 + absl::Minutes(20)));
  Apply(events_.Dispatched(t0 + absl::Minutes(30)));
  Apply(events_.Accepted(t0 + absl::Minutes(40)));
  Apply(events_.Resolved(Beijing(2026, 3, 12, 10, 0)));
  EXPECT_TRUE(Read("completion", Beijing(2026, 3, 12, 11, 0)).stopped());
  EXPECT_TRUE(Deadline("completion")->stopped());
  // Every alarm of the stopped clock after the stop goes; the 50 % warning (Thu 09:30) had come before it.
  TimerPlan plan = planner_.Timers(state_, {}, false);
  EXPECT_EQ(Armed(plan, "completion", "warn50"), Beijing(2026, 3, 12, 9, 30));
  EXPECT_TRUE(Cancelled(plan, "completion", "warn75"));
  EXPECT_TRUE(Cancelled(plan, "completion", "breach"));
  EXPECT_TRUE(Cancelled(plan, "completion", "escalate200"));
  // Fired alarms are never armed again.
  plan = planner_.Timers(state_, {"completion|1|warn50"}, false);
  EXPECT_FALSE(Armed(plan, "completion", "warn50").has_value());

  const absl::Time reopened = Beijing(2026, 3, 16, 9, 0);
  Apply(events_.Reopened(reopened));
  EXPECT_EQ(state_.case_().cycle(), 2);
  const v1::SlaClockRecord& cycle2 = Clock("completion", 2);
  EXPECT_EQ(cycle2.start_version(), 7);
  EXPECT_EQ(FromProto(Read("completion", reopened, 2).due_at()), Beijing(2026, 3, 19, 17, 30));
  EXPECT_EQ(Clock("sign_off.v7", 2).stage(), "DEPARTMENT");
  plan = planner_.Timers(state_, {"completion|1|warn50"}, false);
  bool cycle2_warning = false;
  for (const PlannedAlarm& alarm : plan.arm) {
    cycle2_warning = cycle2_warning || (alarm.id == AlarmId{kCase, "completion", 2, "warn50"});
  }
  EXPECT_TRUE(cycle2_warning) << "cycle 2 has its own alarms";
}

TEST_F(CaseClocksTest, ClosedStopsEverything) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.Closed(t0 + absl::Minutes(5)));
  for (const v1::SlaClockRecord& record : state_.clocks()) {
    EXPECT_TRUE(Read(record.id(), t0 + absl::Hours(1)).stopped()) << record.id();
  }
  TimerPlan plan = planner_.Timers(state_, {}, true);
  EXPECT_TRUE(plan.arm.empty());
  EXPECT_EQ(plan.cancel.size(), 7u);
  for (const DueEntry& entry : planner_.DueEntries(state_, true)) EXPECT_EQ(entry.due, std::nullopt);
}

TEST_F(CaseClocksTest, EscalationIsRecordedWithoutTouchingClocks) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.Escalated(t0 + absl::Hours(1), v1::LEVEL_COMMUNITY, kCommunity));
  EXPECT_EQ(state_.case_().level(), v1::LEVEL_COMMUNITY);
  EXPECT_EQ(state_.case_().version(), 2);
  EXPECT_EQ(state_.touched_clocks_size(), 0);
}

TEST_F(CaseClocksTest, EventsOutOfOrderOrTwiceAreRefusedAndApplyIsDeterministic) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  v1::CaseEvent submitted = events_.Submitted(t0);
  v1::CaseEvent verified = events_.GridVerified(t0 + absl::Hours(1));
  absl::StatusOr<v1::SlaCaseState> gap = planner_.Apply(state_, verified);
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  Apply(submitted);
  absl::StatusOr<v1::SlaCaseState> twice = planner_.Apply(state_, submitted);
  EXPECT_FALSE(twice.ok());
  absl::StatusOr<v1::SlaCaseState> a = planner_.Apply(state_, verified);
  absl::StatusOr<v1::SlaCaseState> b = planner_.Apply(state_, verified);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());

  // An event stamped before the clock's last operation is recorded at that operation's time.
  Events skewed;
  v1::SlaCaseState s = *planner_.Apply({}, skewed.Submitted(t0));
  s = *planner_.Apply(s, skewed.Paused(t0 - absl::Minutes(5)));
  EXPECT_EQ(FromProto(FindClock(s, "completion", 1)->ops(1).at()), t0);
}

TEST_F(CaseClocksTest, DecideFiresOnlyWhenDueAndOnlyOnce) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  Apply(events_.GridVerified(t0 + absl::Minutes(10)));
  const AlarmId warn{kCase, "completion", 1, "warn50"};
  const absl::Time warn_at = Beijing(2026, 3, 12, 9, 30);

  FireDecision early = planner_.Decide(state_, {}, warn, warn_at - absl::Milliseconds(1));
  EXPECT_EQ(early.kind, FireDecision::Kind::kLater);
  EXPECT_EQ(early.at, warn_at);

  FireDecision fire = planner_.Decide(state_, {}, warn, warn_at);
  ASSERT_EQ(fire.kind, FireDecision::Kind::kFire);
  EXPECT_EQ(fire.at, warn_at);
  EXPECT_EQ(fire.event.event_id(), "GC-20260310-000001/sla/completion/1/warn50");
  EXPECT_EQ(fire.event.case_version(), 0);
  EXPECT_EQ(FromProto(fire.event.occurred_at()), warn_at);
  EXPECT_EQ(fire.event.sla_warned().clock(), v1::CLOCK_KIND_COMPLETION);
  EXPECT_EQ(fire.event.sla_warned().percent(), 50);
  EXPECT_EQ(FromProto(fire.event.sla_warned().due_at()), Beijing(2026, 3, 13, 17, 30));
  EXPECT_EQ(fire.event.sla_warned().holder_unit(), kCommunity);
  EXPECT_EQ(fire.event.sla_warned().cycle(), 1);
  // Deciding again later gives the same event: a republish after a crash is the same record.
  FireDecision again = planner_.Decide(state_, {}, warn, warn_at + absl::Hours(5));
  EXPECT_EQ(again.event.SerializeAsString(), fire.event.SerializeAsString());

  EXPECT_EQ(planner_.Decide(state_, {warn.FiredKey()}, warn, warn_at).kind, FireDecision::Kind::kDrop);
  EXPECT_EQ(planner_.Decide(state_, {}, AlarmId{kCase, "completion", 2, "warn50"}, warn_at).kind,
            FireDecision::Kind::kDrop);
  EXPECT_EQ(planner_.Decide(state_, {}, AlarmId{kCase, "completion", 1, "warn60"}, warn_at).kind,
            FireDecision::Kind::kDrop);

  // The breach asks for the rung the ladder reaches at 100 %: township; 200 % asks for the county.
  FireDecision breach =
      planner_.Decide(state_, {}, AlarmId{kCase, "completion", 1, "breach"}, Beijing(2026, 4, 1, 0, 0));
  ASSERT_EQ(breach.kind, FireDecision::Kind::kFire);
  EXPECT_EQ(breach.event.sla_breached().escalate_to(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(FromProto(breach.event.occurred_at()), Beijing(2026, 3, 13, 17, 30));
  FireDecision county =
      planner_.Decide(state_, {}, AlarmId{kCase, "completion", 1, "escalate200"}, Beijing(2026, 4, 1, 0, 0));
  ASSERT_EQ(county.kind, FireDecision::Kind::kFire);
  EXPECT_EQ(county.event.sla_breached().escalate_to(), v1::LEVEL_COUNTY);
  // Sign-off breaches are reported without a rung: the ladder measures completion.
  FireDecision sign_off =
      planner_.Decide(state_, {}, AlarmId{kCase, "sign_off.v2", 1, "breach"}, Beijing(2026, 4, 1, 0, 0));
  ASSERT_EQ(sign_off.kind, FireDecision::Kind::kFire);
  EXPECT_EQ(sign_off.event.sla_breached().escalate_to(), v1::LEVEL_UNSPECIFIED);
  EXPECT_EQ(sign_off.event.sla_breached().holder_unit(), kCommunity);
  EXPECT_EQ(sign_off.event.sla_breached().clock(), v1::CLOCK_KIND_SIGN_OFF);
}

TEST_F(CaseClocksTest, DecideDropsWhatTheClockNeverReachedAndFiresWhatCameBeforeALateStop) {
  const absl::Time t0 = Beijing(2026, 3, 10, 10, 0);
  Apply(events_.Submitted(t0));
  // The grid signed off at 13:30, after its 12:00 deadline, while the timer loop was down.
  Apply(events_.GridVerified(Beijing(2026, 3, 10, 13, 30)));
  const absl::Time later = Beijing(2026, 3, 10, 16, 0);
  EXPECT_EQ(planner_.Decide(state_, {}, AlarmId{kCase, "sign_off.v1", 1, "breach"}, later).kind,
            FireDecision::Kind::kFire);
  // The community signed off before its 50 % mark.
  Apply(events_.CommunityEscalated(Beijing(2026, 3, 10, 14, 0)));
  FireDecision drop = planner_.Decide(state_, {}, AlarmId{kCase, "sign_off.v2", 1, "warn50"}, later);
  EXPECT_EQ(drop.kind, FireDecision::Kind::kDrop);
  EXPECT_TRUE(HasSubstr(drop.reason, "stopped or paused"));
}

TEST(CalendarSecondsPolicyTest, TestPolicyRunsCategoryClocksInCalendarSeconds) {
  // The policy the service's integration and end-to-end tests run on.
  absl::StatusOr<SlaPolicy> policy =
      LoadSlaPolicy(testing::SourceDir() + "/services/sla/testdata/sla-policy-short.json");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ClockPlanner planner(&*policy, &Calendar2026());
  const absl::Time t0 = Beijing(2026, 3, 14, 23, 59, 50);  // Saturday night: calendar seconds count anyway.
  Events events;
  absl::StatusOr<v1::SlaCaseState> state = planner.Apply({}, events.Submitted(t0));
  ASSERT_TRUE(state.ok()) << state.status();
  TimerPlan plan = planner.Timers(*state, {}, true);
  std::map<std::string, absl::Time> completion;
  for (const PlannedAlarm& alarm : plan.arm) {
    if (alarm.id.clock_id == "completion") completion[alarm.id.name] = alarm.at;
  }
  EXPECT_EQ(completion["warn50"], t0 + absl::Seconds(10));
  EXPECT_EQ(completion["warn75"], t0 + absl::Seconds(15));
  EXPECT_EQ(completion["breach"], t0 + absl::Seconds(20));
  EXPECT_EQ(completion["escalate300"], t0 + absl::Seconds(60));
  EXPECT_EQ(planner.Read(*FindClock(*state, "sign_off.v1", 1), t0).basis(), "calendar_time");
  EXPECT_EQ(FromProto(planner.Read(*FindClock(*state, "sign_off.v1", 1), t0).due_at()), t0 + absl::Minutes(10));

  absl::StatusOr<PlannedDeadline> emergency =
      PlannedCompletionDue(*policy, Calendar2026(), v1::CATEGORY_GENERAL, true, t0);
  ASSERT_TRUE(emergency.ok());
  EXPECT_EQ(emergency->due, t0 + absl::Seconds(30));
}

}  // namespace
}  // namespace gridcase::sla
