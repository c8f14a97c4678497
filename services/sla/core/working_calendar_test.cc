#include "services/sla/core/working_calendar.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/sla/core/test_util.h"

namespace gridcase::sla {
namespace {

using ::gridcase::sla::testing::Beijing;
using ::gridcase::sla::testing::Calendar2026;
using ::gridcase::sla::testing::HasSubstr;

absl::Status TsvError(absl::string_view text) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::FromTsv(text);
  return calendar.ok() ? absl::OkStatus() : calendar.status();
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Independent reference: walks the calendar minute by minute.
bool IsWorkingMinute(const WorkingCalendar& calendar, absl::Time t) {
  const absl::CivilSecond civil = absl::ToCivilSecond(t, calendar.time_zone());
  if (!calendar.IsWorkingDay(absl::CivilDay(civil))) return false;
  const absl::Duration offset = absl::Seconds(civil - absl::CivilSecond(absl::CivilDay(civil)));
  for (const WorkingPeriod& p : calendar.working_hours()) {
    if (offset >= p.begin && offset < p.end) return true;
  }
  return false;
}

absl::Time ReferenceAddMinutes(const WorkingCalendar& calendar, absl::Time start, int minutes) {
  absl::Time t = start;
  for (int counted = 0; counted < minutes; t += absl::Minutes(1)) {
    if (IsWorkingMinute(calendar, t)) ++counted;
  }
  // t is one minute past the last counted minute's start: the due time is that minute's end.
  return t;
}

TEST(WorkingCalendarTest, ShippedCalendarIsIdenticalToThePublishedFile) {
  if (!std::filesystem::exists(testing::SharedHolidayFile())) {
    GTEST_SKIP() << "no ../shared beside the repository";
  }
  EXPECT_EQ(testing::ReadFileOrDie(testing::ShippedHolidayFile()),
            testing::ReadFileOrDie(testing::SharedHolidayFile()));
}

TEST(WorkingCalendarTest, SharedFileLoadsToTheSameCalendar) {
  if (!std::filesystem::exists(testing::SharedHolidayFile())) {
    GTEST_SKIP() << "no ../shared beside the repository";
  }
  absl::StatusOr<WorkingCalendar> shared = WorkingCalendar::FromFile(testing::SharedHolidayFile());
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ(shared->arrangement_count(), Calendar2026().arrangement_count());
  EXPECT_EQ(shared->PublishedYears(), Calendar2026().PublishedYears());
}

TEST(WorkingCalendarTest, Loads2026Arrangement) {
  const WorkingCalendar& calendar = Calendar2026();
  EXPECT_EQ(calendar.arrangement_count(), 39);
  EXPECT_EQ(calendar.PublishedYears(), std::vector<int>{2026});
  EXPECT_TRUE(calendar.HasArrangementFor(2026));
  EXPECT_FALSE(calendar.HasArrangementFor(2025));
  EXPECT_FALSE(calendar.HasArrangementFor(2031));
  EXPECT_EQ(calendar.WorkingTimePerDay(), absl::Hours(7));

  const DayArrangement* spring = calendar.ArrangementOn(absl::CivilDay(2026, 2, 17));
  ASSERT_NE(spring, nullptr);
  EXPECT_EQ(spring->kind, DayKind::kHoliday);
  EXPECT_EQ(spring->festival, "春节");
  EXPECT_TRUE(HasSubstr(spring->source, "cn-holidays-2026.tsv:"));
  EXPECT_EQ(calendar.ArrangementOn(absl::CivilDay(2026, 3, 10)), nullptr);
}

TEST(WorkingCalendarTest, WorkingDaysFollowHolidaysAndMakeUpDays) {
  const WorkingCalendar& calendar = Calendar2026();
  // 元旦: Thu 1 – Sat 3 January off, Sunday 4 January worked.
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 1, 1)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 1, 2)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 1, 4)));
  // 春节: Saturday 14 February worked, Sun 15 – Mon 23 off, Saturday 28 February worked.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 13)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 14)));
  for (int day = 15; day <= 23; ++day) EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, day))) << day;
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 24)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 2, 28)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 3, 1)));
  // 中秋 and 国庆: Sunday 20 September worked, Fri 25 – Sun 27 September off, 1–7 October off, Saturday 10 worked.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 20)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 25)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 30)));
  for (int day = 1; day <= 7; ++day) EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, day))) << day;
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 8)));
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 10)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 11)));
  // Unlisted days follow Monday–Friday.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 3, 9)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 3, 7)));
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 3, 8)));
}

TEST(WorkingCalendarTest, CountingStartConvention) {
  const WorkingCalendar& calendar = Calendar2026();
  auto start = [&](absl::Time t) { return calendar.CountingStart(t).start; };
  // Tuesday 10 March 2026, an ordinary working day.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 7, 0)), Beijing(2026, 3, 10, 9, 0));      // Before hours.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 9, 0)), Beijing(2026, 3, 10, 9, 0));      // At the opening.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 10, 17)), Beijing(2026, 3, 10, 10, 17));  // Inside a period.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 12, 0)), Beijing(2026, 3, 10, 13, 30));   // Morning period over.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 12, 30)), Beijing(2026, 3, 10, 13, 30));  // Lunch break.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 17, 30)), Beijing(2026, 3, 11, 9, 0));    // Closing time.
  EXPECT_EQ(start(Beijing(2026, 3, 10, 21, 0)), Beijing(2026, 3, 11, 9, 0));     // Evening.
  // Friday evening before 春节: the next working day is the make-up Saturday.
  EXPECT_EQ(start(Beijing(2026, 2, 13, 18, 0)), Beijing(2026, 2, 14, 9, 0));
  // Saturday evening: the holiday runs to Monday 23 February.
  EXPECT_EQ(start(Beijing(2026, 2, 14, 18, 0)), Beijing(2026, 2, 24, 9, 0));
  // Received during 国庆.
  EXPECT_EQ(start(Beijing(2026, 10, 3, 11, 0)), Beijing(2026, 10, 8, 9, 0));
  EXPECT_FALSE(calendar.CountingStart(Beijing(2026, 10, 3, 11, 0)).used_fallback);
}

TEST(WorkingCalendarTest, AddWorkingTimeOnAnOrdinaryDay) {
  const WorkingCalendar& calendar = Calendar2026();
  auto due = [&](absl::Time t, absl::Duration d) { return calendar.AddWorkingTime(t, d).due; };
  EXPECT_EQ(due(Beijing(2026, 3, 10, 9, 0), absl::Hours(2)), Beijing(2026, 3, 10, 11, 0));
  // 11:00–12:00 then 13:30–14:30.
  EXPECT_EQ(due(Beijing(2026, 3, 10, 11, 0), absl::Hours(2)), Beijing(2026, 3, 10, 14, 30));
  // Exactly the morning: due at 12:00, not at 13:30.
  EXPECT_EQ(due(Beijing(2026, 3, 10, 9, 0), absl::Hours(3)), Beijing(2026, 3, 10, 12, 0));
  // Before hours counts from 09:00.
  EXPECT_EQ(due(Beijing(2026, 3, 10, 7, 0), absl::Hours(2)), Beijing(2026, 3, 10, 11, 0));
  // A whole working day from the opening ends at 17:30; one more minute is the next morning.
  EXPECT_EQ(due(Beijing(2026, 3, 10, 9, 0), absl::Hours(7)), Beijing(2026, 3, 10, 17, 30));
  EXPECT_EQ(due(Beijing(2026, 3, 10, 9, 0), absl::Hours(7) + absl::Minutes(1)), Beijing(2026, 3, 11, 9, 1));
  // Seconds are kept.
  EXPECT_EQ(due(Beijing(2026, 3, 10, 9, 0, 15), absl::Seconds(30)), Beijing(2026, 3, 10, 9, 0, 45));
  // Thursday 16:00 + 4 h: 1.5 h Thursday, 2.5 h Friday.
  EXPECT_EQ(due(Beijing(2026, 3, 12, 16, 0), absl::Hours(4)), Beijing(2026, 3, 13, 11, 30));
  // Friday 16:00 + 4 h: over the weekend to Monday.
  EXPECT_EQ(due(Beijing(2026, 3, 13, 16, 0), absl::Hours(4)), Beijing(2026, 3, 16, 11, 30));
  // Non-positive amounts are due at once.
  EXPECT_EQ(due(Beijing(2026, 3, 14, 10, 0), absl::ZeroDuration()), Beijing(2026, 3, 14, 10, 0));
  EXPECT_EQ(due(Beijing(2026, 3, 14, 10, 0), -absl::Hours(1)), Beijing(2026, 3, 14, 10, 0));
  EXPECT_EQ(due(Beijing(2026, 3, 14, 10, 0), absl::InfiniteDuration()), absl::InfiniteFuture());
}

TEST(WorkingCalendarTest, WorkingDaysDoNotCountTheDayCountingStarts) {
  const WorkingCalendar& calendar = Calendar2026();
  // Tuesday 10 March 2026.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 7, 0), 1).due, Beijing(2026, 3, 11, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 10, 0), 1).due, Beijing(2026, 3, 11, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 17, 29), 1).due, Beijing(2026, 3, 11, 17, 30));
  // After hours counting starts on Wednesday, which becomes day 0.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 17, 30), 1).due, Beijing(2026, 3, 12, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 20, 0), 1).due, Beijing(2026, 3, 12, 17, 30));
  // Received on Saturday: day 0 is Monday 16, so 3 working days end on Thursday 19.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 14, 11, 0), 3).due, Beijing(2026, 3, 19, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 3, 10, 10, 0), -2).due, Beijing(2026, 3, 10, 17, 30));
}

TEST(WorkingCalendarTest, CaseReceivedDuringLunchBreak) {
  const WorkingCalendar& calendar = Calendar2026();
  const absl::Time received = Beijing(2026, 3, 10, 12, 30);
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(2)).due, Beijing(2026, 3, 10, 15, 30));
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(4)).due, Beijing(2026, 3, 10, 17, 30));
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(4) + absl::Minutes(30)).due, Beijing(2026, 3, 11, 9, 30));
  // The receipt day is day 0 even though counting starts at 13:30.
  EXPECT_EQ(calendar.AddWorkingDays(received, 1).due, Beijing(2026, 3, 11, 17, 30));
  EXPECT_EQ(calendar.WorkingTimeBetween(received, Beijing(2026, 3, 10, 13, 30)).working, absl::ZeroDuration());
}

TEST(WorkingCalendarTest, FridayEveningBeforeSpringFestival) {
  const WorkingCalendar& calendar = Calendar2026();
  const absl::Time received = Beijing(2026, 2, 13, 18, 0);  // Friday, after hours.
  // Counting starts on the make-up Saturday 14 February at 09:00: 3 h + 1 h.
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(4)).due, Beijing(2026, 2, 14, 14, 30));
  // 7 h on Saturday 14, then the holiday until Monday 23: one more hour on Tuesday 24.
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(8)).due, Beijing(2026, 2, 24, 10, 0));
  // Day clocks: day 0 is Saturday 14; working days 1, 2, 3 are 24, 25, 26 February.
  EXPECT_EQ(calendar.AddWorkingDays(received, 1).due, Beijing(2026, 2, 24, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(received, 3).due, Beijing(2026, 2, 26, 17, 30));
  EXPECT_FALSE(calendar.AddWorkingDays(received, 3).used_fallback);

  // Received on Friday morning: day 0 is Friday 13, day 1 the make-up Saturday.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 2, 13, 10, 0), 1).due, Beijing(2026, 2, 14, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 2, 13, 10, 0), 3).due, Beijing(2026, 2, 25, 17, 30));
  // 15 working days from Friday 13: 14, 24–27, 28 (Saturday, worked), 2–6 March, 9–12 March.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 2, 13, 10, 0), 15).due, Beijing(2026, 3, 12, 17, 30));
  // Day 0 alone: the end of the counting start's day.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 2, 13, 10, 0), 0).due, Beijing(2026, 2, 13, 17, 30));
  EXPECT_EQ(calendar.AddWorkingDays(received, 0).due, Beijing(2026, 2, 14, 17, 30));

  // Working time over the holiday: 0.5 h Friday, 7 h Saturday 14, 1 h Tuesday 24.
  EXPECT_EQ(calendar.WorkingTimeBetween(Beijing(2026, 2, 13, 17, 0), Beijing(2026, 2, 24, 10, 0)).working,
            absl::Hours(8) + absl::Minutes(30));
  EXPECT_EQ(calendar.WorkingTimeBetween(Beijing(2026, 2, 24, 10, 0), Beijing(2026, 2, 13, 17, 0)).working,
            -(absl::Hours(8) + absl::Minutes(30)));
}

TEST(WorkingCalendarTest, NationalDay) {
  const WorkingCalendar& calendar = Calendar2026();
  // Wednesday 30 September, evening: counting starts Thursday 8 October.
  const absl::Time received = Beijing(2026, 9, 30, 18, 0);
  EXPECT_EQ(calendar.CountingStart(received).start, Beijing(2026, 10, 8, 9, 0));
  // Day 0 is 8 October; days 1–3 are Friday 9, Saturday 10 (worked) and Monday 12.
  EXPECT_EQ(calendar.AddWorkingDays(received, 3).due, Beijing(2026, 10, 12, 17, 30));
  EXPECT_EQ(calendar.AddWorkingTime(received, absl::Hours(4)).due, Beijing(2026, 10, 8, 14, 30));

  // 15 working days from Friday 18 September: 20 (Sunday, worked), 21–24, 28–30 September, 8, 9, 10 (Saturday),
  // 12–15 October.
  EXPECT_EQ(calendar.AddWorkingDays(Beijing(2026, 9, 18, 10, 0), 15).due, Beijing(2026, 10, 15, 17, 30));
  // Sign-off across the make-up Sunday: Friday 17:00 + 2 h is Sunday 20 September, 10:30.
  EXPECT_EQ(calendar.AddWorkingTime(Beijing(2026, 9, 18, 17, 0), absl::Hours(2)).due, Beijing(2026, 9, 20, 10, 30));
  // Thursday 24 September 16:00 + 4 h skips 中秋 and the weekend: 1.5 h, then 2.5 h on Monday 28.
  EXPECT_EQ(calendar.AddWorkingTime(Beijing(2026, 9, 24, 16, 0), absl::Hours(4)).due, Beijing(2026, 9, 28, 11, 30));

  // Working time from 30 September 09:00 to 12 October 09:00: 30 Sep, 8, 9, 10 Oct.
  EXPECT_EQ(calendar.WorkingTimeBetween(Beijing(2026, 9, 30, 9, 0), Beijing(2026, 10, 12, 9, 0)).working,
            absl::Hours(28));
}

TEST(WorkingCalendarTest, WorkingTimeBetween) {
  const WorkingCalendar& calendar = Calendar2026();
  auto between = [&](absl::Time a, absl::Time b) { return calendar.WorkingTimeBetween(a, b).working; };
  EXPECT_EQ(between(Beijing(2026, 3, 10, 8, 0), Beijing(2026, 3, 10, 20, 0)), absl::Hours(7));
  EXPECT_EQ(between(Beijing(2026, 3, 10, 10, 0), Beijing(2026, 3, 11, 10, 0)), absl::Hours(7));
  EXPECT_EQ(between(Beijing(2026, 3, 10, 12, 0), Beijing(2026, 3, 10, 13, 30)), absl::ZeroDuration());
  EXPECT_EQ(between(Beijing(2026, 3, 10, 11, 59), Beijing(2026, 3, 10, 13, 31)), absl::Minutes(2));
  EXPECT_EQ(between(Beijing(2026, 3, 14, 0, 0), Beijing(2026, 3, 16, 0, 0)), absl::ZeroDuration());  // Weekend.
  EXPECT_EQ(between(Beijing(2026, 3, 10, 10, 0), Beijing(2026, 3, 10, 10, 0)), absl::ZeroDuration());
  // A full ordinary week.
  EXPECT_EQ(between(Beijing(2026, 3, 9, 0, 0), Beijing(2026, 3, 16, 0, 0)), absl::Hours(35));
  // The whole of 2026: 365 days − 104 weekend days − 19 weekday holidays + 6 make-up weekend days = 248 working days.
  EXPECT_EQ(between(Beijing(2026, 1, 1, 0, 0), Beijing(2027, 1, 1, 0, 0)), absl::Hours(7 * 248));
  EXPECT_FALSE(calendar.WorkingTimeBetween(Beijing(2026, 1, 1, 0, 0), Beijing(2026, 12, 31, 23, 0)).used_fallback);
}

TEST(WorkingCalendarTest, FallbackYearWithoutArrangement) {
  const WorkingCalendar& calendar = Calendar2026();
  ASSERT_FALSE(calendar.HasArrangementFor(2031));
  // Wednesday 1 January 2031: with no published arrangement, New Year's Day is an ordinary Wednesday.
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2031, 1, 1)));
  const WorkingCalendar::DueResult days = calendar.AddWorkingDays(Beijing(2031, 1, 1, 10, 0), 1);
  EXPECT_EQ(days.due, Beijing(2031, 1, 2, 17, 30));
  EXPECT_TRUE(days.used_fallback);
  const WorkingCalendar::DueResult hours = calendar.AddWorkingTime(Beijing(2031, 1, 3, 16, 0), absl::Hours(4));
  EXPECT_EQ(hours.due, Beijing(2031, 1, 6, 11, 30));  // Friday → Monday.
  EXPECT_TRUE(hours.used_fallback);
  const WorkingCalendar::ElapsedResult elapsed =
      calendar.WorkingTimeBetween(Beijing(2031, 1, 1, 9, 0), Beijing(2031, 1, 2, 9, 0));
  EXPECT_EQ(elapsed.working, absl::Hours(7));
  EXPECT_TRUE(elapsed.used_fallback);
  EXPECT_TRUE(calendar.CountingStart(Beijing(2031, 1, 1, 20, 0)).used_fallback);

  // A 2026 deadline that stays in 2026 did not use the fallback; one that runs into 2027 did.
  const WorkingCalendar::DueResult inside = calendar.AddWorkingTime(Beijing(2026, 12, 31, 16, 0), absl::Hours(1));
  EXPECT_EQ(inside.due, Beijing(2026, 12, 31, 17, 0));
  EXPECT_FALSE(inside.used_fallback);
  const WorkingCalendar::DueResult across = calendar.AddWorkingTime(Beijing(2026, 12, 31, 16, 0), absl::Hours(3));
  EXPECT_EQ(across.due, Beijing(2027, 1, 1, 10, 30));  // Friday 1 January 2027 counted as a working day.
  EXPECT_TRUE(across.used_fallback);

  // A calendar with nothing loaded falls back everywhere.
  absl::StatusOr<WorkingCalendar> plain = WorkingCalendar::Create();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->PublishedYears().empty());
  EXPECT_TRUE(plain->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
  EXPECT_TRUE(plain->AddWorkingDays(Beijing(2026, 3, 10, 10, 0), 1).used_fallback);
}

TEST(WorkingCalendarTest, AgreesWithMinuteByMinuteReference) {
  const WorkingCalendar& calendar = Calendar2026();
  std::mt19937 random(20260101);
  std::uniform_int_distribution<int> minute_of_year(0, 360 * 24 * 60);
  std::uniform_int_distribution<int> working_minutes(1, 7 * 60 * 12);
  for (int i = 0; i < 150; ++i) {
    const absl::Time start = Beijing(2026, 1, 1, 0, 0) + absl::Minutes(minute_of_year(random));
    const int minutes = working_minutes(random);
    const absl::Time due = calendar.AddWorkingTime(start, absl::Minutes(minutes)).due;
    ASSERT_EQ(due, ReferenceAddMinutes(calendar, start, minutes))
        << "start " << absl::FormatTime(start, calendar.time_zone()) << " + " << minutes << " min";
    ASSERT_EQ(calendar.WorkingTimeBetween(start, due).working, absl::Minutes(minutes));
    // The due time is the first instant at which the amount has accumulated.
    ASSERT_LT(calendar.WorkingTimeBetween(start, due - absl::Seconds(1)).working, absl::Minutes(minutes));
  }
}

TEST(WorkingCalendarTest, WorkingDaysDueIsEndOfADayAfterTheStartDay) {
  const WorkingCalendar& calendar = Calendar2026();
  std::mt19937 random(15);
  std::uniform_int_distribution<int> minute_of_year(0, 360 * 24 * 60);
  std::uniform_int_distribution<int> day_count(1, 20);
  for (int i = 0; i < 300; ++i) {
    const absl::Time start = Beijing(2026, 1, 1, 0, 0) + absl::Minutes(minute_of_year(random));
    const int days = day_count(random);
    const absl::Time due = calendar.AddWorkingDays(start, days).due;
    const absl::CivilSecond due_civil = absl::ToCivilSecond(due, calendar.time_zone());
    ASSERT_EQ(due_civil.hour(), 17);
    ASSERT_EQ(due_civil.minute(), 30);
    ASSERT_TRUE(calendar.IsWorkingDay(absl::CivilDay(due_civil)));
    // Exactly `days` working days lie after the counting start's day, up to and including the due day.
    const absl::CivilDay day0 = absl::ToCivilDay(calendar.CountingStart(start).start, calendar.time_zone());
    int counted = 0;
    for (absl::CivilDay d = day0 + 1; d <= absl::CivilDay(due_civil); ++d) counted += calendar.IsWorkingDay(d);
    ASSERT_EQ(counted, days) << absl::FormatTime(start, calendar.time_zone());
  }
}

TEST(WorkingCalendarTest, FifteenWorkingDayDeadlineTakesMicroseconds) {
  const WorkingCalendar& calendar = Calendar2026();
  constexpr int kRuns = 2000;
  absl::Time sink = absl::UnixEpoch();
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    sink = std::max(sink, calendar.AddWorkingDays(Beijing(2026, 9, 18, 10, 0) + absl::Minutes(i), 15).due);
  }
  const auto per_call = (std::chrono::steady_clock::now() - begin) / kRuns;
  EXPECT_EQ(sink, Beijing(2026, 10, 16, 17, 30));  // The last starts fall after hours on Friday 18 and count from 20.
  // Tens of microseconds at most even in a debug build on a busy machine; a per-minute walk would take milliseconds.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::microseconds>(per_call).count(), 100);
}

TEST(WorkingCalendarTest, CustomWorkingHours) {
  CalendarOptions options;
  options.working_hours = {{absl::Hours(8), absl::Hours(16)}};
  absl::StatusOr<WorkingCalendar> calendar =
      WorkingCalendar::FromTsv(testing::ReadFileOrDie(testing::ShippedHolidayFile()), options);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->WorkingTimePerDay(), absl::Hours(8));
  EXPECT_EQ(calendar->AddWorkingTime(Beijing(2026, 3, 10, 12, 30), absl::Hours(4)).due, Beijing(2026, 3, 11, 8, 30));
  EXPECT_EQ(calendar->AddWorkingDays(Beijing(2026, 3, 10, 12, 30), 1).due, Beijing(2026, 3, 11, 16, 0));

  options.working_hours = {{absl::Hours(9), absl::Hours(12)}, {absl::Hours(11), absl::Hours(17)}};
  EXPECT_TRUE(HasSubstr(WorkingCalendar::Create(options).status().message(), "period 2"));
  options.working_hours = {};
  EXPECT_FALSE(WorkingCalendar::Create(options).ok());
  options.working_hours = DefaultWorkingHours();
  options.time_zone = "Mars/Olympus_Mons";
  EXPECT_TRUE(HasSubstr(WorkingCalendar::Create(options).status().message(), "Mars/Olympus_Mons"));
}

TEST(WorkingCalendarTest, ParsesWorkingPeriods) {
  absl::StatusOr<WorkingPeriod> period = ParseWorkingPeriod("13:30-17:30");
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(period->begin, absl::Hours(13) + absl::Minutes(30));
  EXPECT_EQ(period->end, absl::Hours(17) + absl::Minutes(30));
  EXPECT_EQ(FormatWorkingPeriod(*period), "13:30-17:30");
  EXPECT_EQ(ParseWorkingPeriod("20:00-24:00")->end, absl::Hours(24));
  for (absl::string_view bad : {"9:00-12:00", "09:00", "12:00-09:00", "09:00-09:00", "09:60-10:00", "24:30-25:00",
                                "09:00-12:00-13:00", "ab:cd-12:00"}) {
    EXPECT_FALSE(ParseWorkingPeriod(bad).ok()) << bad;
  }
}

// Found by holiday_tsv_fuzzer: a date with a year of more than four digits parsed, and its year did not fit the int
// that HasArrangementFor and PublishedYears speak, so the calendar listed a year it did not report as published.
TEST(WorkingCalendarTest, DatesHaveFourDigitYears) {
  const std::string header = "date\tkind\tfestival\n";
  for (absl::string_view bad : {"2028888888888886-05-09", "10000-01-01", "999-12-31", "-2026-01-01", "0000-01-01"}) {
    EXPECT_TRUE(HasSubstr(TsvError(header + std::string(bad) + "\tholiday\t\n").message(),
                          absl::StrCat("<tsv>:2: '", bad, "' is not a date YYYY-MM-DD")))
        << bad;
  }
  absl::StatusOr<WorkingCalendar> edges =
      WorkingCalendar::FromTsv(header + "1000-01-01\tholiday\t\n9999-12-31\tworkday\t\n");
  ASSERT_TRUE(edges.ok()) << edges.status();
  EXPECT_EQ(edges->PublishedYears(), (std::vector<int>{1000, 9999}));
}

TEST(WorkingCalendarTest, TsvErrorsNameTheLine) {
  const std::string header = "# comment\ndate\tkind\tfestival\n";
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-10-01\tday-off\t国庆节\n").message(),
                        "<tsv>:3: kind 'day-off' is neither 'holiday' nor 'workday'"));
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-10-01\tholiday\t国庆节\n2026-02-30\tholiday\t\n").message(),
                        "<tsv>:4: '2026-02-30' is not a date"));
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-1-1\tholiday\t元旦\n").message(), "<tsv>:3:"));
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-10-01 holiday 国庆节\n").message(), "<tsv>:3: expected date"));
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-10-01\tholiday\t国庆节\textra\n").message(), "<tsv>:3:"));
  EXPECT_TRUE(HasSubstr(TsvError(header + "2026-10-01\tholiday\t国庆节\n\n2026-10-01\tholiday\t国庆节\n").message(),
                        "<tsv>:5: 2026-10-01 is already listed on line 3"));
  EXPECT_TRUE(
      HasSubstr(TsvError("# only comments\n2026-10-01\tholiday\t国庆节\n").message(), "<tsv>:2: expected the header"));
  EXPECT_TRUE(HasSubstr(TsvError("# only comments\n").message(), "no header line"));
  EXPECT_TRUE(HasSubstr(TsvError(header).message(), "followed by no dates"));

  WorkingCalendar calendar = Calendar2026();
  EXPECT_TRUE(HasSubstr(
      calendar.AddTsv("date\tkind\tfestival\n2026-01-01\tholiday\t元旦\n2026-01-01\tworkday\t元旦\n", "broken.tsv")
          .message(),
      "broken.tsv:3:"));

  absl::StatusOr<WorkingCalendar> missing = WorkingCalendar::FromFile("/nonexistent/cn-holidays-2099.tsv");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(missing.status().message(), "/nonexistent/cn-holidays-2099.tsv"));
}

TEST(WorkingCalendarTest, AcceptsCrLfBomAndFestivalLessLines) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::FromTsv(
      "\xEF\xBB\xBF# 2027 draft\r\ndate\tkind\tfestival\r\n2027-01-01\tholiday\t元旦\r\n2027-02-20\tworkday\r\n");
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2027, 1, 1)));
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2027, 2, 20)));  // A Saturday.
  EXPECT_EQ(calendar->ArrangementOn(absl::CivilDay(2027, 2, 20))->festival, "");
  EXPECT_TRUE(calendar->HasArrangementFor(2027));
}

TEST(WorkingCalendarTest, MergesYearsAndRejectsConflicts) {
  const std::string path_2026 = testing::ShippedHolidayFile();
  const std::string path_2027 = WriteTempFile(
      "cn-holidays-2027.tsv", "date\tkind\tfestival\n2027-01-01\tholiday\t元旦\n2027-02-06\tholiday\t春节\n");
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::FromFiles(std::vector<std::string>{path_2026, path_2027});
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->PublishedYears(), (std::vector<int>{2026, 2027}));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2027, 1, 1)));
  // Thursday 31 December 2026 16:00 + 3 h: New Year's Day 2027 is now a holiday, and no fallback was needed.
  const WorkingCalendar::DueResult due = calendar->AddWorkingTime(Beijing(2026, 12, 31, 16, 0), absl::Hours(3));
  EXPECT_EQ(due.due, Beijing(2027, 1, 4, 10, 30));
  EXPECT_FALSE(due.used_fallback);

  // Loading the same arrangement twice is harmless; a conflicting one is rejected and changes nothing.
  WorkingCalendar merged = *calendar;
  EXPECT_TRUE(merged.AddFile(path_2026).ok());
  EXPECT_EQ(merged.arrangement_count(), calendar->arrangement_count());
  const absl::Status conflict =
      merged.AddTsv("date\tkind\tfestival\n2027-03-01\tholiday\tx\n2026-10-10\tholiday\t国庆节\n", "amended.tsv");
  EXPECT_EQ(conflict.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasSubstr(conflict.message(), "amended.tsv:3: 2026-10-10 is a holiday here but a workday at"));
  EXPECT_EQ(merged.ArrangementOn(absl::CivilDay(2027, 3, 1)), nullptr);

  absl::StatusOr<WorkingCalendar> only_2027 = WorkingCalendar::FromFile(path_2027);
  ASSERT_TRUE(only_2027.ok());
  WorkingCalendar combined = Calendar2026();
  ASSERT_TRUE(combined.Merge(*only_2027).ok());
  EXPECT_TRUE(combined.HasArrangementFor(2027));
  EXPECT_FALSE(combined.IsWorkingDay(absl::CivilDay(2027, 1, 1)));
  EXPECT_EQ(combined.arrangement_count(), Calendar2026().arrangement_count() + 2);
}

TEST(WorkingCalendarTest, NewYearSpillOverDoesNotPublishThePreviousYear) {
  // From the 2012 arrangement: Saturday 31 December 2011 was worked for 元旦 2012.
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::FromTsv(
      "date\tkind\tfestival\n2011-12-31\tworkday\t元旦\n2012-01-01\tholiday\t元旦\n2012-01-02\tholiday\t元旦\n"
      "2012-01-03\tholiday\t元旦\n2012-01-21\tworkday\t春节\n");
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_TRUE(calendar->IsWorkingDay(absl::CivilDay(2011, 12, 31)));
  EXPECT_TRUE(calendar->HasArrangementFor(2012));
  EXPECT_FALSE(calendar->HasArrangementFor(2011));
  EXPECT_EQ(calendar->PublishedYears(), std::vector<int>{2012});

  // A file with only late-December dates still publishes its year: there is no next year to attribute them to.
  absl::StatusOr<WorkingCalendar> december = WorkingCalendar::FromTsv("date\tkind\tfestival\n2030-12-31\tholiday\t\n");
  ASSERT_TRUE(december.ok());
  EXPECT_TRUE(december->HasArrangementFor(2030));
}

}  // namespace
}  // namespace gridcase::sla
