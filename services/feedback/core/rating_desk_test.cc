#include "services/feedback/core/rating_desk.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"
#include "services/feedback/core/case_script.h"
#include "services/feedback/core/memory_store.h"
#include "services/feedback/core/rating_code.h"
#include "services/feedback/core/report_fixture.h"

namespace gridcase::feedback {
namespace {

using testing::CaseScript;

// Dispatch for one case: the commands feedback issues, checked as the state machine checks them (expected
// version, state, actor), folded with the real fold.
class FakeDispatch : public CaseCommander {
 public:
  void Load(const std::vector<v1::CaseEvent>& events) {
    for (const v1::CaseEvent& e : events) {
      if (e.case_version() == 0) continue;
      current_ = *cases::ApplyEvent(current_, e);
      timeline_.push_back(e);
    }
  }

  absl::StatusOr<v1::Case> GetCase(const std::string& case_id) override {
    if (unavailable_ > 0) {
      --unavailable_;
      return absl::UnavailableError("dispatch down");
    }
    if (case_id != current_.id()) return absl::NotFoundError("no such case");
    return current_;
  }
  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(const std::string& case_id) override {
    if (unavailable_ > 0) {
      --unavailable_;
      return absl::UnavailableError("dispatch down");
    }
    return timeline_;
  }
  absl::StatusOr<v1::Case> Execute(v1::CaseCommandRequest r) override {
    if (unavailable_ > 0) {
      --unavailable_;
      return absl::UnavailableError("dispatch down");
    }
    if (r.expected_version() != current_.version()) return absl::AbortedError("stale version");
    if (r.actor().role() != v1::ROLE_SYSTEM || r.actor().unit_code() != "feedback") {
      return absl::PermissionDeniedError("not feedback");
    }
    v1::CaseEvent e;
    e.set_case_id(current_.id());
    e.set_case_version(current_.version() + 1);
    e.set_event_id(absl::StrCat(current_.id(), "/", e.case_version()));
    *e.mutable_occurred_at() = events::ToProto(now);
    *e.mutable_actor() = r.actor();
    const bool resolved = current_.status() == v1::CASE_STATUS_RESOLVED;
    switch (r.command_case()) {
      case v1::CaseCommandRequest::kRate:
        if (!resolved) return absl::FailedPreconditionError("not resolved");
        e.mutable_resident_rated()->set_satisfaction(r.rate().satisfaction());
        e.mutable_resident_rated()->set_problem_solved(r.rate().problem_solved());
        e.mutable_resident_rated()->set_comment(r.rate().comment());
        e.mutable_resident_rated()->set_cycle(current_.cycle());
        break;
      case v1::CaseCommandRequest::kClose:
        if (!resolved) return absl::FailedPreconditionError("not resolved");
        *e.mutable_closed() = v1::CaseClosed();
        e.mutable_closed()->set_reason(r.close().reason());
        break;
      case v1::CaseCommandRequest::kReopen:
        if (!resolved) return absl::FailedPreconditionError("not resolved");
        e.mutable_reopened()->set_department_code(current_.department_code());
        e.mutable_reopened()->set_reason(r.reopen().reason());
        e.mutable_reopened()->set_cycle(current_.cycle() + 1);
        break;
      case v1::CaseCommandRequest::kEscalate:
        if (fail_escalations_ > 0) {
          --fail_escalations_;
          return absl::UnavailableError("dispatch down");
        }
        if (current_.level() >= v1::LEVEL_COUNTY) return absl::FailedPreconditionError("top of the ladder");
        e.mutable_escalated()->set_from_level(current_.level());
        e.mutable_escalated()->set_to_level(v1::LEVEL_COUNTY);
        e.mutable_escalated()->set_to_unit_code("330199");
        e.mutable_escalated()->set_reason(r.escalate().reason());
        break;
      default:
        return absl::InvalidArgumentError("unexpected command");
    }
    current_ = *cases::ApplyEvent(current_, e);
    timeline_.push_back(e);
    ++commands[r.command_case()];
    return current_;
  }

  int Count(v1::CaseCommandRequest::CommandCase kind) { return commands[kind]; }
  // A department resolves the reopened case again.
  void Resolve() {
    v1::CaseEvent accept, resolve;
    for (v1::CaseEvent* e : {&accept, &resolve}) {
      e->set_case_id(current_.id());
      *e->mutable_occurred_at() = events::ToProto(now);
    }
    accept.set_case_version(current_.version() + 1);
    accept.mutable_department_accepted()->set_handler_id("h");
    resolve.set_case_version(current_.version() + 2);
    resolve.mutable_resolved()->set_reply("再次处理");
    Load({accept, resolve});
  }

  const v1::Case& current() const { return current_; }
  const std::vector<v1::CaseEvent>& timeline() const { return timeline_; }

  absl::Time now;
  int unavailable_ = 0;
  int fail_escalations_ = 0;
  std::map<int, int> commands;

 private:
  v1::Case current_;
  std::vector<v1::CaseEvent> timeline_;
};

class RatingDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = testing::FixtureStart() + absl::Hours(20);
    dispatch_.now = now_;
    CaseScript c("GC-9", testing::FixtureStart(), v1::CHANNEL_HOTLINE_12345, v1::CATEGORY_SIMPLE);
    c.Located(testing::kGrid1)
        .Verify(testing::FixtureStart() + absl::Hours(1), testing::kGrid1, "municipal.manhole-cover", "p0003")
        .CommunityEscalate(testing::FixtureStart() + absl::Hours(2))
        .Dispatch(testing::FixtureStart() + absl::Hours(3), testing::kUrbanManagement)
        .Accept(testing::FixtureStart() + absl::Hours(4))
        .Resolve(testing::FixtureStart() + absl::Hours(10));
    dispatch_.Load(c.events());
    Rebuild();
  }

  void Rebuild() {
    desk_ = std::make_unique<RatingDesk>(
        &store_, &dispatch_, policy_, [this] { return now_; }, [this] { return absl::StrCat("CODE", ++codes_, "XY"); });
  }

  void SetNow(absl::Time t) {
    now_ = t;
    dispatch_.now = t;
  }

  v1::RateCaseRequest Request(const std::string& code, v1::Satisfaction satisfaction, bool solved = true) {
    v1::RateCaseRequest r;
    r.set_case_id("GC-9");
    r.set_rating_code(code);
    r.set_satisfaction(satisfaction);
    r.set_problem_solved(solved);
    r.set_comment(satisfaction == v1::SATISFACTION_DISSATISFIED ? "井盖还是响" : "");
    return r;
  }

  std::string Issue() {
    auto issued = desk_->IssueCode("GC-9");
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? issued->code : "";
  }

  RatingPolicy policy_;
  absl::Time now_;
  int codes_ = 0;
  MemoryFeedbackStore store_;
  FakeDispatch dispatch_;
  std::unique_ptr<RatingDesk> desk_;
};

TEST_F(RatingDeskTest, SatisfiedIsRatedThenClosed) {
  auto issued = desk_->IssueCode("GC-9");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->cycle, 1);
  EXPECT_EQ(issued->expires_at, testing::FixtureStart() + absl::Hours(10) + policy_.window);
  auto slot = store_.LoadSlot("GC-9");
  EXPECT_TRUE((*slot)->has_code);

  auto response = desk_->Rate(Request(" code1-xy ", v1::SATISFACTION_SATISFIED));  // As typed by the resident.
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status(), v1::CASE_STATUS_CLOSED);
  EXPECT_FALSE(response->reopened());
  EXPECT_FALSE(response->queued());
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 1);
  const v1::CaseEvent& closed = dispatch_.timeline().back();
  EXPECT_EQ(closed.closed().reason(), v1::CaseClosed::REASON_RATED);
  EXPECT_EQ(dispatch_.timeline()[dispatch_.timeline().size() - 2].resident_rated().satisfaction(),
            v1::SATISFACTION_SATISFIED);
}

TEST_F(RatingDeskTest, DissatisfiedReopensToTheResolvingDepartment) {
  auto response = desk_->Rate(Request(Issue(), v1::SATISFACTION_DISSATISFIED, false));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->reopened());
  EXPECT_FALSE(response->escalated());
  EXPECT_EQ(dispatch_.current().status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(dispatch_.current().department_code(), testing::kUrbanManagement);
  EXPECT_EQ(dispatch_.current().cycle(), 2);
  EXPECT_NE(dispatch_.timeline().back().reopened().reason().find("井盖还是响"), std::string::npos);
}

TEST_F(RatingDeskTest, PastTheReopenLimitTheCaseIsEscalatedToo) {
  policy_.max_reopens = 1;
  Rebuild();
  ASSERT_TRUE(desk_->Rate(Request(Issue(), v1::SATISFACTION_DISSATISFIED, false)).ok());
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kEscalate), 0);
  dispatch_.Resolve();
  auto second = desk_->Rate(Request(Issue(), v1::SATISFACTION_DISSATISFIED, false));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cycle(), 2);
  EXPECT_TRUE(second->reopened());
  EXPECT_TRUE(second->escalated());
  EXPECT_EQ(dispatch_.current().cycle(), 3);
  EXPECT_EQ(dispatch_.current().level(), v1::LEVEL_COUNTY);
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kEscalate), 1);
}

TEST_F(RatingDeskTest, EscalationMissedAtReopenIsCaughtUpOnce) {
  policy_.max_reopens = 0;
  Rebuild();
  dispatch_.fail_escalations_ = 1;
  auto response = desk_->Rate(Request(Issue(), v1::SATISFACTION_DISSATISFIED, false));
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(response->reopened());
  EXPECT_FALSE(response->escalated());
  auto first = desk_->RunScheduled(EscalationMember("GC-9", 2));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(dispatch_.current().level(), v1::LEVEL_COUNTY);
  ASSERT_TRUE(desk_->RunScheduled(EscalationMember("GC-9", 2)).ok());
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kEscalate), 1) << "escalated once";
}

TEST_F(RatingDeskTest, WrongCodesAndSecondRatingsAreRefused) {
  std::string code = Issue();
  auto wrong = desk_->Rate(Request("WRONG234", v1::SATISFACTION_SATISFIED));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StartsWith(wrong.status().message(), "rating_code:"));
  ASSERT_TRUE(desk_->Rate(Request(code, v1::SATISFACTION_BASICALLY)).ok());
  auto again = desk_->Rate(Request(code, v1::SATISFACTION_DISSATISFIED));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 1);
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kReopen), 0);
  EXPECT_EQ(desk_->IssueCode("GC-9").status().code(), absl::StatusCode::kFailedPrecondition) << "case is closed";
  EXPECT_EQ(desk_->IssueCode("GC-404").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RatingDeskTest, TooManyWrongCodesVoidTheCode) {
  std::string code = Issue();
  for (int i = 0; i < policy_.max_code_attempts; ++i) {
    EXPECT_EQ(desk_->Rate(Request("BAD", v1::SATISFACTION_SATISFIED)).status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(desk_->Rate(Request(code, v1::SATISFACTION_SATISFIED)).status().code(),
            absl::StatusCode::kPermissionDenied);
  std::string fresh = Issue();
  EXPECT_NE(fresh, code);
  EXPECT_TRUE(desk_->Rate(Request(fresh, v1::SATISFACTION_SATISFIED)).ok());
}

TEST_F(RatingDeskTest, FieldsAreChecked) {
  std::string code = Issue();
  auto no_answer = desk_->Rate(Request(code, v1::SATISFACTION_NOT_RATED));
  EXPECT_TRUE(absl::StartsWith(no_answer.status().message(), "satisfaction:")) << no_answer.status();
  v1::RateCaseRequest long_comment = Request(code, v1::SATISFACTION_SATISFIED);
  std::string comment;
  for (int i = 0; i < 501; ++i) comment += "好";
  long_comment.set_comment(comment);
  EXPECT_TRUE(absl::StartsWith(desk_->Rate(long_comment).status().message(), "comment:"));
  v1::RateCaseRequest bad_utf8 = Request(code, v1::SATISFACTION_SATISFIED);
  bad_utf8.set_comment("\xff\xfe");
  EXPECT_TRUE(absl::StartsWith(desk_->Rate(bad_utf8).status().message(), "comment:"));
  EXPECT_TRUE(
      absl::StartsWith(desk_->Rate(Request("", v1::SATISFACTION_SATISFIED)).status().message(), "rating_code:"));
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 0) << "nothing reached dispatch";
}

TEST_F(RatingDeskTest, NoRatingInTheWindowClosesAsNotRated) {
  std::string code = Issue();
  auto early = desk_->RunScheduled(SettleMember("GC-9", 1));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, testing::FixtureStart() + absl::Hours(10) + policy_.window) << "check again at the deadline";
  SetNow(testing::FixtureStart() + absl::Hours(10) + policy_.window + absl::Seconds(1));
  auto due = store_.TakeDue(now_, absl::Minutes(1), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(*due, std::vector<std::string>{SettleMember("GC-9", 1)});
  auto done = desk_->RunScheduled(due->front());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->has_value());
  EXPECT_EQ(dispatch_.current().status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(dispatch_.timeline().back().closed().reason(), v1::CaseClosed::REASON_NOT_RATED);
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 0);
  // Idempotent: running it again changes nothing; a late rating is refused.
  ASSERT_TRUE(desk_->RunScheduled(due->front()).ok());
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kClose), 1);
  EXPECT_EQ(desk_->Rate(Request(code, v1::SATISFACTION_SATISFIED)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RatingDeskTest, RatingStoredWhileDispatchIsDownIsCarriedOutLater) {
  std::string code = Issue();
  dispatch_.unavailable_ = 1;
  auto response = desk_->Rate(Request(code, v1::SATISFACTION_SATISFIED));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->queued());
  EXPECT_EQ(dispatch_.current().status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(store_.ScheduledAt(SettleMember("GC-9", 1)), now_ + policy_.settle_retry);
  EXPECT_EQ(desk_->Rate(Request(code, v1::SATISFACTION_SATISFIED)).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "the stored rating is the closure's one rating";
  SetNow(now_ + policy_.settle_retry);
  auto due = store_.TakeDue(now_, absl::Minutes(1), 10);
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(desk_->RunScheduled(due->front()).ok());
  EXPECT_EQ(dispatch_.current().status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 1);
  EXPECT_TRUE(desk_->RunScheduled(due->front()).ok());
  EXPECT_EQ(dispatch_.Count(v1::CaseCommandRequest::kRate), 1) << "rated once";
}

TEST(RatingCodeTest, CodesAreRandomAndOnlyTheirHashIsKept) {
  std::string a = NewRatingCode(), b = NewRatingCode();
  EXPECT_EQ(a.size(), static_cast<size_t>(kRatingCodeLength));
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_EQ(std::string("01IO").find(c), std::string::npos) << a;
  EXPECT_EQ(HashRatingCode("GC-1", "ab-cd 23"), HashRatingCode("GC-1", "ABCD23"));
  EXPECT_NE(HashRatingCode("GC-1", "ABCD23"), HashRatingCode("GC-2", "ABCD23"));
  EXPECT_EQ(HashRatingCode("GC-1", "ABCD23").size(), 64u);
  EXPECT_EQ(HashRatingCode("GC-1", "ABCD23").find("ABCD23"), std::string::npos);
}

}  // namespace
}  // namespace gridcase::feedback
