#include "services/notify/core/delivery_policy.h"

#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

absl::Time Cst(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::FixedTimeZone(8 * 3600));
}

TEST(RetryPolicyTest, DoublesUpToTheMaximum) {
  RetryPolicy p{.initial = absl::Seconds(1), .max = absl::Seconds(10)};
  EXPECT_EQ(p.Backoff(1), absl::Seconds(1));
  EXPECT_EQ(p.Backoff(2), absl::Seconds(2));
  EXPECT_EQ(p.Backoff(4), absl::Seconds(8));
  EXPECT_EQ(p.Backoff(5), absl::Seconds(10));
  EXPECT_EQ(p.Backoff(500), absl::Seconds(10));
}

TEST(QuietHoursTest, DefersNightToMorningInChinaStandardTime) {
  auto q = QuietHours::Parse("22:00-08:00");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->NextAllowed(Cst(2026, 11, 30, 21, 59)), Cst(2026, 11, 30, 21, 59));
  EXPECT_EQ(q->NextAllowed(Cst(2026, 11, 30, 22, 0)), Cst(2026, 12, 1, 8, 0));
  EXPECT_EQ(q->NextAllowed(Cst(2026, 11, 30, 23, 30)), Cst(2026, 12, 1, 8, 0));
  EXPECT_EQ(q->NextAllowed(Cst(2026, 12, 1, 3, 0)), Cst(2026, 12, 1, 8, 0));
  EXPECT_EQ(q->NextAllowed(Cst(2026, 12, 1, 8, 0)), Cst(2026, 12, 1, 8, 0));
}

TEST(QuietHoursTest, SameDayRangeAndNone) {
  auto q = QuietHours::Parse("12:00-14:00");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->NextAllowed(Cst(2026, 11, 30, 13, 0)), Cst(2026, 11, 30, 14, 0));
  EXPECT_EQ(q->NextAllowed(Cst(2026, 11, 30, 23, 0)), Cst(2026, 11, 30, 23, 0));
  auto none = QuietHours::Parse("00:00-00:00");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->NextAllowed(Cst(2026, 11, 30, 23, 0)), Cst(2026, 11, 30, 23, 0));
}

TEST(QuietHoursTest, RefusesMalformedValues) {
  EXPECT_FALSE(QuietHours::Parse("22-08").ok());
  EXPECT_FALSE(QuietHours::Parse("24:00-08:00").ok());
  EXPECT_FALSE(QuietHours::Parse("").ok());
}

}  // namespace
}  // namespace gridcase::notify
