#include "services/feedback/core/periods.h"

#include "gtest/gtest.h"

namespace gridcase::feedback {
namespace {

TEST(PeriodsTest, DayAndMonthAreShanghaiTime) {
  // 2026-03-31 16:30 UTC is 2026-04-01 00:30 in Shanghai.
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(PeriodsOf(t), (std::vector<std::string>{"d:2026-04-01", "m:2026-04"}));
  absl::Time before = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(PeriodsOf(before), (std::vector<std::string>{"d:2026-03-31", "m:2026-03"}));
}

TEST(PeriodsTest, CoverUsesMonthsThenDays) {
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 4, 1)), (std::vector<std::string>{"m:2026-03"}));
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 5, 1)),
            (std::vector<std::string>{"m:2026-03", "m:2026-04"}));
  // Mon 9 March … Sun 15 March, a week: its seven days.
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 16)),
            (std::vector<std::string>{"d:2026-03-09", "d:2026-03-10", "d:2026-03-11", "d:2026-03-12", "d:2026-03-13",
                                      "d:2026-03-14", "d:2026-03-15"}));
  // 30 March … 3 May: two days of March, April, then the days of May.
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 30), absl::CivilDay(2026, 5, 4)),
            (std::vector<std::string>{"d:2026-03-30", "d:2026-03-31", "m:2026-04", "d:2026-05-01", "d:2026-05-02",
                                      "d:2026-05-03"}));
  EXPECT_TRUE(CoverDays(absl::CivilDay(2026, 3, 3), absl::CivilDay(2026, 3, 3)).empty());
}

TEST(PeriodsTest, ParsesDaysAndNamesTheField) {
  auto day = ParseDay("2026-02-28", "from");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, absl::CivilDay(2026, 2, 28));
  for (const char* bad : {"2026-02-30", "2026-2-28", "20260228", "", "2026-02-28T00:00"}) {
    auto parsed = ParseDay(bad, "to");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(parsed.status().message().substr(0, 3), "to:") << bad;
  }
}

}  // namespace
}  // namespace gridcase::feedback
