#include "services/notify/core/notice_sender.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

class FakeGateway : public MessageGateway {
 public:
  absl::Status Send(const Message& m) override {
    sent.push_back(m);
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Accepted(const std::string& id) override {
    ++lookups;
    for (const Message& m : sent) {
      if (m.id == id) return true;
    }
    return false;
  }
  std::vector<Message> sent;
  int lookups = 0;
};

// "Opens" a resident whose phone was put in resident_id by the test (no keys in a unit test).
class FakeResidents : public ResidentOpener {
 public:
  absl::StatusOr<v1::Resident> Open(const std::string&, const v1::Resident& sealed) override {
    v1::Resident r = sealed;
    r.set_phone(sealed.name());
    return r;
  }
  std::string PhoneToken(const std::string& phone) override { return "t-" + phone; }
};

class FakeCodes : public RatingCodes {
 public:
  absl::StatusOr<Code> Issue(const std::string&) override {
    if (!answer.ok()) return answer;
    return Code{"AB12CD34", absl::FromUnixSeconds(1764900000)};
  }
  absl::Status answer = absl::OkStatus();
};

class FakeCounter : public PhoneCounter {
 public:
  absl::StatusOr<int64_t> Add(const std::string& token, absl::Time start, absl::Duration) override {
    return ++counts[token + "@" + absl::FormatTime(start)];
  }
  std::map<std::string, int64_t> counts;
};

class FakeCases : public CaseStateStore {
 public:
  absl::StatusOr<CaseState> Load(const std::string&) override { return state; }
  absl::StatusOr<bool> Save(const CaseState&) override { return true; }
  absl::Status SetDue(const std::string&, int, absl::Time) override { return absl::OkStatus(); }
  CaseState state;
};

absl::Time Cst(int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(2026, 11, 30, h, mi), absl::FixedTimeZone(8 * 3600));
}

class NoticeSenderTest : public ::testing::Test {
 protected:
  NoticeSender Sender(bool sms = true, PhoneLimit limit = {.max = 2, .window = absl::Hours(1)}) {
    return NoticeSender({.sms = sms, .signature = "清河县12345", .quiet = {}, .limit = limit}, &gateway_, &residents_,
                        &codes_, &counter_, &cases_, [this] { return now_; });
  }
  Attempt Notice(NoticeStep step, const std::string& phone = "13712345678", bool emergency = false) {
    v1::Resident sealed;
    sealed.set_name(phone);
    sealed.set_resident_id("app-user-7");
    Attempt a;
    a.outbound = {.target = kSmsTarget,
                  .delivery_id = std::string("GC-1/5/") + NoticeStepName(step),
                  .case_id = "GC-1",
                  .case_version = 5};
    a.outbound.step = step;
    a.outbound.sealed_resident = sealed.SerializeAsString();
    a.outbound.emergency = emergency;
    a.outbound.reply = "已更换井盖";
    return a;
  }

  FakeGateway gateway_;
  FakeResidents residents_;
  FakeCodes codes_;
  FakeCounter counter_;
  FakeCases cases_;
  absl::Time now_ = Cst(10, 0);
};

TEST_F(NoticeSenderTest, SendsTheStepTextToThePhone) {
  NoticeSender sender = Sender();
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kResolved)).kind, SendOutcome::Kind::kDelivered);
  ASSERT_EQ(gateway_.sent.size(), 1u);
  EXPECT_EQ(gateway_.sent[0].recipient, "13712345678");
  EXPECT_EQ(gateway_.sent[0].id, "GC-1/5/resolved");
  EXPECT_NE(gateway_.sent[0].text.find("已办结：已更换井盖"), std::string::npos);
  EXPECT_EQ(gateway_.lookups, 0);
}

TEST_F(NoticeSenderTest, AnAttemptInDoubtThatReachedTheGatewayIsNotSentAgain) {
  NoticeSender sender = Sender();
  Attempt first = Notice(NoticeStep::kAccepted);
  ASSERT_EQ(sender.Send(first).kind, SendOutcome::Kind::kDelivered);
  Attempt again = first;
  again.in_doubt = true;
  EXPECT_EQ(sender.Send(again).kind, SendOutcome::Kind::kDelivered);
  EXPECT_EQ(gateway_.sent.size(), 1u);
  // In doubt but never accepted: sent now.
  Attempt lost = Notice(NoticeStep::kReopened);
  lost.in_doubt = true;
  EXPECT_EQ(sender.Send(lost).kind, SendOutcome::Kind::kDelivered);
  EXPECT_EQ(gateway_.sent.size(), 2u);
}

TEST_F(NoticeSenderTest, QuietHoursDeferUnlessEmergency) {
  now_ = Cst(23, 30);
  NoticeSender sender = Sender();
  SendOutcome deferred = sender.Send(Notice(NoticeStep::kAccepted));
  EXPECT_EQ(deferred.kind, SendOutcome::Kind::kDeferred);
  EXPECT_EQ(deferred.until, absl::FromCivil(absl::CivilMinute(2026, 12, 1, 8, 0), absl::FixedTimeZone(8 * 3600)));
  EXPECT_TRUE(gateway_.sent.empty());
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kAccepted, "13712345678", /*emergency=*/true)).kind,
            SendOutcome::Kind::kDelivered);
  // App push has no quiet hours.
  NoticeSender push = Sender(/*sms=*/false);
  EXPECT_EQ(push.Send(Notice(NoticeStep::kAccepted)).kind, SendOutcome::Kind::kDelivered);
  EXPECT_EQ(gateway_.sent.back().recipient, "app-user-7");
}

TEST_F(NoticeSenderTest, PerPhoneLimitDefersToTheNextWindow) {
  NoticeSender sender = Sender();
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kAccepted)).kind, SendOutcome::Kind::kDelivered);
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kResolved)).kind, SendOutcome::Kind::kDelivered);
  SendOutcome third = sender.Send(Notice(NoticeStep::kReopened));
  EXPECT_EQ(third.kind, SendOutcome::Kind::kDeferred);
  EXPECT_EQ(third.until, Cst(11, 0));
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kReopened, "13900001111")).kind, SendOutcome::Kind::kDelivered);
}

TEST_F(NoticeSenderTest, RatingInvitationCarriesTheIssuedCodeOrIsSkipped) {
  cases_.state.version = 5;
  cases_.state.case_view.set_status(v1::CASE_STATUS_RESOLVED);
  NoticeSender sender = Sender();
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kRating)).kind, SendOutcome::Kind::kDelivered);
  ASSERT_EQ(gateway_.sent.size(), 1u);
  EXPECT_NE(gateway_.sent[0].text.find("评价码AB12CD34"), std::string::npos);

  codes_.answer = absl::UnavailableError("feedback has not seen the resolution yet");
  EXPECT_EQ(sender.Send(Notice(NoticeStep::kRating, "13900001111")).kind, SendOutcome::Kind::kFailed);
  codes_.answer = absl::FailedPreconditionError("rated already");
  SendOutcome skipped = sender.Send(Notice(NoticeStep::kRating, "13900001111"));
  EXPECT_EQ(skipped.kind, SendOutcome::Kind::kDelivered);
  EXPECT_NE(skipped.note.find("skipped"), std::string::npos);
  EXPECT_EQ(gateway_.sent.size(), 1u);
}

TEST_F(NoticeSenderTest, AppRequestIsTextedOnlyWithoutAnAppId) {
  NoticeSender sender = Sender();
  Attempt app = Notice(NoticeStep::kAccepted);
  app.outbound.app_request = true;
  EXPECT_EQ(sender.Send(app).note, "skipped: reached by app push");
  v1::Resident no_app_id;
  no_app_id.set_name("13712345678");
  app.outbound.sealed_resident = no_app_id.SerializeAsString();
  EXPECT_EQ(sender.Send(app).kind, SendOutcome::Kind::kDelivered);
  ASSERT_EQ(gateway_.sent.size(), 1u);
  EXPECT_EQ(gateway_.sent[0].recipient, "13712345678");
}

TEST_F(NoticeSenderTest, ErasedOrPhonelessResidentIsSkipped) {
  NoticeSender sender = Sender();
  SendOutcome none = sender.Send(Notice(NoticeStep::kAccepted, ""));
  EXPECT_EQ(none.kind, SendOutcome::Kind::kDelivered);
  EXPECT_EQ(none.note, "skipped: no phone");
  EXPECT_TRUE(gateway_.sent.empty());
}

}  // namespace
}  // namespace gridcase::notify
