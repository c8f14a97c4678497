#include "services/notify/core/notice_text.h"

#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

TEST(NoticeTextTest, TemplatesCarryTheCaseIdReplyAndCode) {
  NoticeFields f{.signature = "清河县12345", .case_id = "GC-20261130-000001", .reply = "已更换井盖"};
  EXPECT_EQ(NoticeText(NoticeStep::kAccepted, f),
            "【清河县12345】您反映的问题已受理，编号GC-20261130-000001。我们将按时办理并告知结果。");
  EXPECT_EQ(NoticeText(NoticeStep::kResolved, f), "【清河县12345】您反映的问题（编号GC-20261130-000001）已办结：已更换井盖");
  f.rating_code = "AB12CD34";
  f.rating_expires = absl::FromCivil(absl::CivilMinute(2026, 12, 3, 18, 0), absl::FixedTimeZone(8 * 3600));
  EXPECT_EQ(NoticeText(NoticeStep::kRating, f),
            "【清河县12345】请对编号GC-20261130-000001的办理结果进行评价，评价码AB12CD34，12月03日18:00前有效。");
  EXPECT_NE(NoticeText(NoticeStep::kReopened, f).find("重新办理"), std::string::npos);
}

TEST(NoticeTextTest, SummaryCutsWholeCharacters) {
  EXPECT_EQ(Summarize("井盖已更换", 10), "井盖已更换");
  EXPECT_EQ(Summarize("井盖已更换", 2), "井盖…");
  EXPECT_EQ(Summarize("ab井", 2), "ab…");
}

}  // namespace
}  // namespace gridcase::notify
