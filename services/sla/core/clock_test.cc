#include "services/sla/core/clock.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "services/sla/core/test_util.h"

namespace gridcase::sla {
namespace {

using ::gridcase::sla::testing::Beijing;
using ::gridcase::sla::testing::Calendar2026;
using ::gridcase::sla::testing::HasSubstr;

Clock MakeClock(const ClockSpec& spec) {
  absl::StatusOr<Clock> clock = Clock::Create(spec);
  EXPECT_TRUE(clock.ok()) << clock.status();
  return *std::move(clock);
}

Clock Started(const ClockSpec& spec, absl::Time at) {
  Clock clock = MakeClock(spec);
  const absl::Status status = clock.Start(at);
  EXPECT_TRUE(status.ok()) << status;
  return clock;
}

}  // namespace

void PrintTo(const ClockAlarm& alarm, std::ostream* os) {
  *os << "{" << alarm.percent << "% at "
      << (alarm.at.has_value() ? absl::FormatTime(*alarm.at, absl::FixedTimeZone(8 * 3600)) : "never")
      << (alarm.used_fallback ? ", fallback}" : "}");
}

namespace {

ClockAlarm Alarm(int percent, std::optional<absl::Time> at, bool used_fallback = false) {
  return ClockAlarm{percent, at, used_fallback};
}

TEST(ClockTest, SignOffAcrossSpringFestivalMakeUpDay) {
  // Received Friday 13 February 2026 after hours; counting starts on the make-up Saturday.
  const Clock clock =
      Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(4)), Beijing(2026, 2, 13, 18, 0));
  EXPECT_EQ(clock.ReadAt(Calendar2026(), Beijing(2026, 2, 13, 18, 0)).counting_start, Beijing(2026, 2, 14, 9, 0));
  EXPECT_EQ(clock.started_at(), Beijing(2026, 2, 13, 18, 0));
  EXPECT_EQ(clock.Alarms(Calendar2026()),
            (std::vector<ClockAlarm>{Alarm(50, Beijing(2026, 2, 14, 11, 0)), Alarm(75, Beijing(2026, 2, 14, 12, 0)),
                                     Alarm(100, Beijing(2026, 2, 14, 14, 30))}));

  const ClockReading evening = clock.ReadAt(Calendar2026(), Beijing(2026, 2, 13, 20, 0));
  EXPECT_TRUE(evening.started);
  EXPECT_EQ(evening.elapsed, absl::ZeroDuration());
  EXPECT_EQ(evening.remaining, absl::Hours(4));
  EXPECT_EQ(evening.due, Beijing(2026, 2, 14, 14, 30));

  const ClockReading lunch = clock.ReadAt(Calendar2026(), Beijing(2026, 2, 14, 13, 0));
  EXPECT_EQ(lunch.elapsed, absl::Hours(3));
  EXPECT_EQ(lunch.remaining, absl::Hours(1));
  EXPECT_EQ(lunch.PercentElapsed(), 75);
  EXPECT_FALSE(lunch.breached);

  const ClockReading late = clock.ReadAt(Calendar2026(), Beijing(2026, 2, 14, 15, 0));
  EXPECT_EQ(late.elapsed, absl::Hours(4) + absl::Minutes(30));
  EXPECT_EQ(late.remaining, -absl::Minutes(30));
  EXPECT_TRUE(late.breached);
  EXPECT_EQ(late.PercentElapsed(), 112);
  EXPECT_FALSE(late.used_fallback);
}

TEST(ClockTest, CompletionDaysAfterHoursBeforeNationalDay) {
  const Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3), Beijing(2026, 9, 30, 18, 0));
  const ClockReading start = clock.ReadAt(Calendar2026(), Beijing(2026, 9, 30, 18, 0));
  EXPECT_EQ(start.counting_start, Beijing(2026, 10, 8, 9, 0));
  // Day 0 is 8 October (not counted), then 9, 10 (make-up Saturday) and 12 October: four full days of working time.
  EXPECT_EQ(start.allowance, absl::Hours(28));
  EXPECT_EQ(clock.Alarms(Calendar2026()),
            (std::vector<ClockAlarm>{Alarm(50, Beijing(2026, 10, 9, 17, 30)), Alarm(75, Beijing(2026, 10, 10, 17, 30)),
                                     Alarm(100, Beijing(2026, 10, 12, 17, 30))}));
  const ClockReading holiday = clock.ReadAt(Calendar2026(), Beijing(2026, 10, 4, 12, 0));
  EXPECT_EQ(holiday.elapsed, absl::ZeroDuration());
  EXPECT_EQ(holiday.due, Beijing(2026, 10, 12, 17, 30));
}

TEST(ClockTest, PauseAndResumeShiftTheDueTime) {
  const WorkingCalendar& calendar = Calendar2026();
  // A general case received Tuesday 10 March 2026 at 10:00: day 0 is the 10th, due Friday 13 March at 17:30.
  Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3), Beijing(2026, 3, 10, 10, 0));
  // 6 h on the 10th, then three days of 7 h.
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 10, 0)).allowance, absl::Hours(27));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 10, 0)).due, Beijing(2026, 3, 13, 17, 30));
  EXPECT_EQ(clock.Alarms(calendar),
            (std::vector<ClockAlarm>{Alarm(50, Beijing(2026, 3, 12, 9, 30)), Alarm(75, Beijing(2026, 3, 13, 9, 15)),
                                     Alarm(100, Beijing(2026, 3, 13, 17, 30))}));

  // 挂起: awaiting the resident from Wednesday 10:00.
  ASSERT_TRUE(clock.Pause(Beijing(2026, 3, 11, 10, 0)).ok());
  EXPECT_TRUE(clock.paused());
  const ClockReading paused = clock.ReadAt(calendar, Beijing(2026, 3, 11, 15, 0));
  EXPECT_TRUE(paused.paused);
  EXPECT_EQ(paused.elapsed, absl::Hours(7));
  EXPECT_EQ(paused.remaining, absl::Hours(20));
  EXPECT_EQ(paused.paused_for, absl::Hours(3) + absl::Minutes(30));
  // Were it resumed now, 20 h would remain from 15:00: 2.5 h, 7 h, 7 h, then 3.5 h on Monday 16 March.
  EXPECT_EQ(paused.due, Beijing(2026, 3, 16, 14, 0));
  // Nothing can be armed while paused.
  EXPECT_EQ(clock.Alarms(calendar),
            (std::vector<ClockAlarm>{Alarm(50, std::nullopt), Alarm(75, std::nullopt), Alarm(100, std::nullopt)}));

  // Resumed Thursday 10:00: paused 7 working hours (2 h + 4 h Wednesday, 1 h Thursday), so the due time moves from
  // Friday 13 17:30 by 7 h to Monday 16 March 17:30.
  ASSERT_TRUE(clock.Resume(Beijing(2026, 3, 12, 10, 0)).ok());
  EXPECT_FALSE(clock.paused());
  const WorkingCalendar::DueResult shifted = calendar.AddWorkingTime(
      Beijing(2026, 3, 13, 17, 30),
      calendar.WorkingTimeBetween(Beijing(2026, 3, 11, 10, 0), Beijing(2026, 3, 12, 10, 0)).working);
  EXPECT_EQ(shifted.due, Beijing(2026, 3, 16, 17, 30));
  EXPECT_EQ(clock.Alarms(calendar),
            (std::vector<ClockAlarm>{Alarm(50, Beijing(2026, 3, 13, 9, 30)), Alarm(75, Beijing(2026, 3, 16, 9, 15)),
                                     Alarm(100, Beijing(2026, 3, 16, 17, 30))}));

  const ClockReading before_due = clock.ReadAt(calendar, Beijing(2026, 3, 16, 17, 0));
  EXPECT_EQ(before_due.due, Beijing(2026, 3, 16, 17, 30));
  EXPECT_EQ(before_due.elapsed, absl::Hours(26) + absl::Minutes(30));
  EXPECT_EQ(before_due.remaining, absl::Minutes(30));
  EXPECT_EQ(before_due.paused_for, absl::Hours(7));
  EXPECT_FALSE(before_due.breached);
  EXPECT_FALSE(before_due.paused);

  // After 17:30 no working time passes, but the deadline has: breached with nothing remaining, then negative.
  const ClockReading evening = clock.ReadAt(calendar, Beijing(2026, 3, 16, 18, 0));
  EXPECT_TRUE(evening.breached);
  EXPECT_EQ(evening.remaining, absl::ZeroDuration());
  const ClockReading next_morning = clock.ReadAt(calendar, Beijing(2026, 3, 17, 10, 0));
  EXPECT_TRUE(next_morning.breached);
  EXPECT_EQ(next_morning.remaining, -absl::Hours(1));

  // Finishing exactly at the due time is on time.
  ASSERT_TRUE(clock.Stop(Beijing(2026, 3, 16, 17, 30)).ok());
  const ClockReading stopped = clock.ReadAt(calendar, Beijing(2026, 3, 20, 12, 0));
  EXPECT_TRUE(stopped.stopped);
  EXPECT_FALSE(stopped.breached);
  EXPECT_EQ(stopped.remaining, absl::ZeroDuration());
  EXPECT_EQ(stopped.due, Beijing(2026, 3, 16, 17, 30));
}

TEST(ClockTest, ResumeShiftsTheDueTimeByThePausedWorkingTime) {
  const WorkingCalendar& calendar = Calendar2026();
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> minutes(0, 3 * 24 * 60);
  for (int i = 0; i < 200; ++i) {
    const absl::Time start = Beijing(2026, 9, 1, 0, 0) + absl::Minutes(minutes(random) * 10);
    Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 5), start);
    const absl::Time due_before = clock.ReadAt(calendar, start).due;
    const absl::Time pause = start + absl::Minutes(minutes(random));
    if (pause >= due_before) continue;
    const absl::Time resume = pause + absl::Minutes(minutes(random));
    ASSERT_TRUE(clock.Pause(pause).ok());
    ASSERT_TRUE(clock.Resume(resume).ok());
    const absl::Duration paused = calendar.WorkingTimeBetween(pause, resume).working;
    ASSERT_EQ(clock.ReadAt(calendar, resume).due, calendar.AddWorkingTime(due_before, paused).due)
        << absl::FormatTime(start, calendar.time_zone()) << " paused " << absl::FormatTime(pause) << " to "
        << absl::FormatTime(resume);
  }
}

TEST(ClockTest, PauseBeforeCountingStarts) {
  const WorkingCalendar& calendar = Calendar2026();
  // Received Friday 13 March 18:00, counting would start Monday 09:00; paused over the weekend until Monday 10:00.
  Clock clock = Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(4)), Beijing(2026, 3, 13, 18, 0));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 13, 18, 0)).due, Beijing(2026, 3, 16, 14, 30));
  ASSERT_TRUE(clock.Pause(Beijing(2026, 3, 14, 10, 0)).ok());
  ASSERT_TRUE(clock.Resume(Beijing(2026, 3, 16, 10, 0)).ok());
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2026, 3, 16, 11, 0));
  EXPECT_EQ(reading.due, Beijing(2026, 3, 16, 15, 30));
  EXPECT_EQ(reading.elapsed, absl::Hours(1));
  EXPECT_EQ(reading.paused_for, absl::Hours(1));
}

TEST(ClockTest, SignOffReceivedAtLunchBreak) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(2)), Beijing(2026, 3, 10, 12, 30));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 12, 30)).counting_start, Beijing(2026, 3, 10, 13, 30));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 13, 0)).elapsed, absl::ZeroDuration());
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 13, 0)).due, Beijing(2026, 3, 10, 15, 30));

  // Signed off at 14:00: stopped on time, and the alarms not yet reached will never fire.
  ASSERT_TRUE(clock.Stop(Beijing(2026, 3, 10, 14, 0)).ok());
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2026, 3, 10, 16, 0));
  EXPECT_TRUE(reading.stopped);
  EXPECT_FALSE(reading.breached);
  EXPECT_EQ(reading.elapsed, absl::Minutes(30));
  EXPECT_EQ(reading.remaining, absl::Minutes(90));
  EXPECT_EQ(clock.Alarms(calendar),
            (std::vector<ClockAlarm>{Alarm(50, std::nullopt), Alarm(75, std::nullopt), Alarm(100, std::nullopt)}));
  // Read at a time before the stop, the history still answers.
  EXPECT_FALSE(clock.ReadAt(calendar, Beijing(2026, 3, 10, 13, 45)).stopped);
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 10, 13, 45)).elapsed, absl::Minutes(15));
}

TEST(ClockTest, StoppedLateIsBreached) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(2)), Beijing(2026, 3, 10, 12, 30));
  ASSERT_TRUE(clock.Stop(Beijing(2026, 3, 10, 16, 0)).ok());
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2026, 3, 11, 9, 0));
  EXPECT_TRUE(reading.breached);
  EXPECT_EQ(reading.remaining, -absl::Minutes(30));
  EXPECT_EQ(clock.Alarms(calendar).back(), Alarm(100, Beijing(2026, 3, 10, 15, 30)));
  EXPECT_FALSE(clock.ReadAt(calendar, Beijing(2026, 3, 10, 15, 0)).breached);
}

TEST(ClockTest, ApprovedExtension) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3), Beijing(2026, 3, 10, 10, 0));
  // Two extra working days from a due time at the end of Friday 13 March: the end of Tuesday 17 March.
  ASSERT_TRUE(clock.ExtendWorkingDays(calendar, 2).ok());
  EXPECT_EQ(clock.extensions(), absl::Hours(14));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 12, 9, 0)).allowance, absl::Hours(41));
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 12, 9, 0)).due, Beijing(2026, 3, 17, 17, 30));
  ASSERT_TRUE(clock.Extend(absl::Hours(3) + absl::Minutes(30)).ok());
  EXPECT_EQ(clock.ReadAt(calendar, Beijing(2026, 3, 12, 9, 0)).due, Beijing(2026, 3, 18, 14, 0));
  // Warnings are shares of the extended allowance (44.5 h): 50% after 22.25 h.
  EXPECT_EQ(clock.Alarms(calendar).front(), Alarm(50, Beijing(2026, 3, 13, 11, 15)));
}

TEST(ClockTest, ExtensionAfterBreachClearsIt) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3), Beijing(2026, 3, 10, 10, 0));
  const ClockReading overdue = clock.ReadAt(calendar, Beijing(2026, 3, 16, 10, 0));
  EXPECT_TRUE(overdue.breached);
  EXPECT_EQ(overdue.remaining, -absl::Hours(1));
  ASSERT_TRUE(clock.ExtendWorkingDays(calendar, 2).ok());
  const ClockReading extended = clock.ReadAt(calendar, Beijing(2026, 3, 16, 10, 0));
  EXPECT_FALSE(extended.breached);
  EXPECT_EQ(extended.remaining, absl::Hours(13));
  EXPECT_EQ(extended.due, Beijing(2026, 3, 17, 17, 30));
}

TEST(ClockTest, PauseAfterBreachKeepsTheBreachTime) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(2)), Beijing(2026, 3, 10, 9, 0));
  ASSERT_TRUE(clock.Pause(Beijing(2026, 3, 10, 14, 0)).ok());
  ASSERT_TRUE(clock.Resume(Beijing(2026, 3, 11, 9, 0)).ok());
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2026, 3, 11, 10, 0));
  EXPECT_EQ(reading.due, Beijing(2026, 3, 10, 11, 0));
  EXPECT_TRUE(reading.breached);
  EXPECT_EQ(reading.elapsed, absl::Hours(4) + absl::Minutes(30));  // 3 h + 0.5 h Tuesday, 1 h Wednesday.
  EXPECT_EQ(reading.remaining, -(absl::Hours(2) + absl::Minutes(30)));
}

TEST(ClockTest, EmergencyMinutesIgnoreTheHoliday) {
  const WorkingCalendar& calendar = Calendar2026();
  // Received on National Day at 22:00: calendar minutes run through the night and the holiday.
  Clock completion =
      Started(ClockSpec::CalendarTime(v1::CLOCK_KIND_COMPLETION, absl::Minutes(240)), Beijing(2026, 10, 1, 22, 0));
  EXPECT_EQ(completion.ReadAt(calendar, Beijing(2026, 10, 1, 22, 0)).counting_start, Beijing(2026, 10, 1, 22, 0));
  EXPECT_EQ(completion.Alarms(calendar),
            (std::vector<ClockAlarm>{Alarm(50, Beijing(2026, 10, 2, 0, 0)), Alarm(75, Beijing(2026, 10, 2, 1, 0)),
                                     Alarm(100, Beijing(2026, 10, 2, 2, 0))}));
  const ClockReading reading = completion.ReadAt(calendar, Beijing(2026, 10, 2, 1, 0));
  EXPECT_EQ(reading.elapsed, absl::Hours(3));
  EXPECT_EQ(reading.remaining, absl::Hours(1));
  EXPECT_FALSE(reading.used_fallback);
  // A ten-minute pause moves it by ten minutes.
  ASSERT_TRUE(completion.Pause(Beijing(2026, 10, 2, 0, 30)).ok());
  ASSERT_TRUE(completion.Resume(Beijing(2026, 10, 2, 0, 40)).ok());
  EXPECT_EQ(completion.ReadAt(calendar, Beijing(2026, 10, 2, 1, 0)).due, Beijing(2026, 10, 2, 2, 10));
  EXPECT_EQ(completion.ReadAt(calendar, Beijing(2026, 10, 2, 3, 0)).remaining, -absl::Minutes(50));

  const Clock sign_off =
      Started(ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, absl::Minutes(10)), Beijing(2026, 10, 1, 23, 55));
  EXPECT_EQ(sign_off.ReadAt(calendar, Beijing(2026, 10, 1, 23, 55)).due, Beijing(2026, 10, 2, 0, 5));
  EXPECT_TRUE(sign_off.ReadAt(calendar, Beijing(2026, 10, 2, 0, 6)).breached);
  // The same sign-off on working time would not even start counting before 8 October.
  const Clock working =
      Started(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Minutes(10)), Beijing(2026, 10, 1, 23, 55));
  EXPECT_EQ(working.ReadAt(calendar, Beijing(2026, 10, 1, 23, 55)).due, Beijing(2026, 10, 8, 9, 10));

  // Calendar clocks never consult the holiday arrangement, so there is no fallback in an unpublished year.
  const Clock in_2031 =
      Started(ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, absl::Minutes(10)), Beijing(2031, 1, 1, 3, 0));
  EXPECT_FALSE(in_2031.ReadAt(calendar, Beijing(2031, 1, 1, 3, 5)).used_fallback);
  EXPECT_EQ(in_2031.ReadAt(calendar, Beijing(2031, 1, 1, 3, 5)).due, Beijing(2031, 1, 1, 3, 10));
  EXPECT_EQ(completion.ExtendWorkingDays(calendar, 1).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ClockTest, FallbackYearIsReported) {
  const WorkingCalendar& calendar = Calendar2026();
  const Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 1), Beijing(2031, 1, 1, 10, 0));
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2031, 1, 1, 11, 0));
  EXPECT_TRUE(reading.used_fallback);
  EXPECT_EQ(reading.due, Beijing(2031, 1, 2, 17, 30));
  for (const ClockAlarm& alarm : clock.Alarms(calendar)) EXPECT_TRUE(alarm.used_fallback) << alarm.percent;

  const Clock in_2026 = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 1), Beijing(2026, 3, 10, 10, 0));
  EXPECT_FALSE(in_2026.ReadAt(calendar, Beijing(2026, 3, 10, 11, 0)).used_fallback);
}

TEST(ClockTest, NewlyPublishedArrangementMovesTheDueTime) {
  // Started Monday 28 December 2026 for 5 working days, before the next year's arrangement is known.
  const Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 5), Beijing(2026, 12, 28, 10, 0));
  // Monday–Friday for 2027: 29, 30, 31 December, Friday 1 and Monday 4 January.
  const ClockReading provisional = clock.ReadAt(Calendar2026(), Beijing(2026, 12, 29, 10, 0));
  EXPECT_EQ(provisional.due, Beijing(2027, 1, 4, 17, 30));
  EXPECT_TRUE(provisional.used_fallback);

  // Once an arrangement making 1 January 2027 a holiday is loaded, the same clock falls due a day later.
  WorkingCalendar updated = Calendar2026();
  ASSERT_TRUE(updated.AddTsv("date\tkind\tfestival\n2027-01-01\tholiday\t元旦\n", "test-2027.tsv").ok());
  const ClockReading published = clock.ReadAt(updated, Beijing(2026, 12, 29, 10, 0));
  EXPECT_EQ(published.due, Beijing(2027, 1, 5, 17, 30));
  EXPECT_EQ(published.allowance, provisional.allowance);
  EXPECT_FALSE(published.used_fallback);
}

TEST(ClockTest, AlarmsBeyondTheBreachForEscalation) {
  const WorkingCalendar& calendar = Calendar2026();
  const Clock clock = Started(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3), Beijing(2026, 3, 10, 10, 0));
  // 200% of 27 h = 54 h: 6 h on the 10th, 7 h a day from the 11th; the 8th day after reaches 54 h at 16:30.
  EXPECT_EQ(clock.AlarmAt(calendar, 200), Alarm(200, Beijing(2026, 3, 19, 16, 30)));
  EXPECT_EQ(clock.AlarmAt(calendar, 0).at, std::nullopt);
}

TEST(ClockTest, NotStartedClock) {
  const Clock clock = MakeClock(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3));
  const ClockReading reading = clock.ReadAt(Calendar2026(), Beijing(2026, 3, 10, 10, 0));
  EXPECT_FALSE(reading.started);
  EXPECT_EQ(reading.due, absl::InfiniteFuture());
  EXPECT_EQ(reading.PercentElapsed(), 0);
  EXPECT_TRUE(clock.Alarms(Calendar2026()).empty());
}

TEST(ClockTest, OperationsOutOfOrderAreRejected) {
  const WorkingCalendar& calendar = Calendar2026();
  Clock clock = MakeClock(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(4)));
  EXPECT_EQ(clock.Pause(Beijing(2026, 3, 10, 10, 0)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Stop(Beijing(2026, 3, 10, 10, 0)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Extend(absl::Hours(1)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Start(absl::InfiniteFuture()).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(clock.Start(Beijing(2026, 3, 10, 10, 0)).ok());
  EXPECT_EQ(clock.Start(Beijing(2026, 3, 10, 11, 0)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Resume(Beijing(2026, 3, 10, 11, 0)).code(), absl::StatusCode::kFailedPrecondition);
  const absl::Status backwards = clock.Pause(Beijing(2026, 3, 10, 9, 0));
  EXPECT_EQ(backwards.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasSubstr(backwards.message(), "before the previous operation"));
  ASSERT_TRUE(clock.Pause(Beijing(2026, 3, 10, 11, 0)).ok());
  EXPECT_EQ(clock.Pause(Beijing(2026, 3, 10, 11, 30)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Resume(Beijing(2026, 3, 10, 10, 30)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(clock.Extend(-absl::Hours(1)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(clock.Extend(absl::InfiniteDuration()).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(clock.Extend(absl::Hours(1)).ok());  // Allowed while paused.
  EXPECT_EQ(clock.ExtendWorkingDays(calendar, 0).code(), absl::StatusCode::kInvalidArgument);
  // Stopping while paused closes the pause.
  ASSERT_TRUE(clock.Stop(Beijing(2026, 3, 10, 15, 0)).ok());
  EXPECT_FALSE(clock.paused());
  EXPECT_TRUE(clock.stopped());
  EXPECT_EQ(clock.stopped_at(), Beijing(2026, 3, 10, 15, 0));
  EXPECT_EQ(clock.Stop(Beijing(2026, 3, 10, 16, 0)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Pause(Beijing(2026, 3, 10, 16, 0)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(clock.Extend(absl::Hours(1)).code(), absl::StatusCode::kFailedPrecondition);
  const ClockReading reading = clock.ReadAt(calendar, Beijing(2026, 3, 10, 16, 0));
  EXPECT_EQ(reading.elapsed, absl::Hours(1));
  EXPECT_EQ(reading.paused_for, absl::Hours(2) + absl::Minutes(30));
  EXPECT_EQ(reading.allowance, absl::Hours(5));
  EXPECT_FALSE(reading.paused);
}

TEST(ClockTest, InvalidSpecsAreRejected) {
  EXPECT_TRUE(ValidateClockSpec(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(2))).ok());
  EXPECT_TRUE(HasSubstr(ValidateClockSpec(ClockSpec::WorkingTime(v1::CLOCK_KIND_UNSPECIFIED, absl::Hours(2))).message(),
                        "kind"));
  EXPECT_TRUE(HasSubstr(
      ValidateClockSpec(ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::ZeroDuration())).message(), "allowance"));
  EXPECT_FALSE(ValidateClockSpec(ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, absl::InfiniteDuration())).ok());
  EXPECT_TRUE(
      HasSubstr(ValidateClockSpec(ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 0)).message(), "working_days"));
  for (const std::vector<int>& percents : std::vector<std::vector<int>>{{75, 50}, {0}, {100}, {50, 50}, {-10}}) {
    ClockSpec spec = ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, 3);
    spec.warning_percents = percents;
    EXPECT_TRUE(HasSubstr(ValidateClockSpec(spec).message(), "warning_percents"));
    EXPECT_EQ(Clock::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  }
  ClockSpec no_warnings = ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, absl::Hours(1));
  no_warnings.warning_percents = {};
  const Clock clock = Started(no_warnings, Beijing(2026, 3, 10, 9, 0));
  EXPECT_EQ(clock.Alarms(Calendar2026()), (std::vector<ClockAlarm>{Alarm(100, Beijing(2026, 3, 10, 10, 0))}));
}

}  // namespace
}  // namespace gridcase::sla
