#include "services/feedback/core/periods.h"

#include "gtest/gtest.h"

namespace gridcase::feedback {
namespace {

TEST(PeriodsTest, DayWeekAndMonthAreShanghaiTime) {
  // 2026-03-31 16:30 UTC is 2026-04-01 00:30 in Shanghai: a Wednesday in the week of Monday 30 March.
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 16, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(PeriodsOf(t), (std::vector<std::string>{"d:2026-04-01", "w:2026-03-30", "m:2026-04"}));
  absl::Time before = absl::FromCivil(absl::CivilSecond(2026, 3, 31, 15, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(PeriodsOf(before), (std::vector<std::string>{"d:2026-03-31", "w:2026-03-30", "m:2026-03"}));
  // A Sunday belongs to the week of the Monday before it.
  absl::Time sunday = absl::FromCivil(absl::CivilDay(2026, 3, 8), CountyZone());
  EXPECT_EQ(PeriodsOf(sunday)[1], "w:2026-03-02");
}

TEST(PeriodsTest, CoverUsesMonthsThenWeeksThenDays) {
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 4, 1)), (std::vector<std::string>{"m:2026-03"}));
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 5, 1)),
            (std::vector<std::string>{"m:2026-03", "m:2026-04"}));
  // Tue 3 March … Mon 16 March: six days, the week of the 9th, one day.
  EXPECT_EQ(CoverDays(absl::CivilDay(2026, 3, 3), absl::CivilDay(2026, 3, 17)),
            (std::vector<std::string>{"d:2026-03-03", "d:2026-03-04", "d:2026-03-05", "d:2026-03-06", "d:2026-03-07",
                                      "d:2026-03-08", "w:2026-03-09", "d:2026-03-16"}));
  // 25 March … 5 May: days to the 29th, the week of the 30th (into April), then days and the week of 6 April.
  std::vector<std::string> cover = CoverDays(absl::CivilDay(2026, 3, 30), absl::CivilDay(2026, 5, 4));
  EXPECT_EQ(cover.front(), "w:2026-03-30");
  EXPECT_EQ(cover.back(), "w:2026-04-27");
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
