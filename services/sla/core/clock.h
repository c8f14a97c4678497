#pragma once

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "services/sla/core/working_calendar.h"

namespace gridcase::sla {

// What a clock's allowance is counted in.
enum class ClockBasis {
  kWorkingTime,   // Working hours on the calendar: 接单 sign-off within N working hours.
  kWorkingDays,   // Working days, due at the end of the Nth working day: 办结 completion within N working days.
  kCalendarTime,  // Wall-clock time, nights and holidays included: emergency clocks (平急结合) in minutes.
};

absl::string_view ClockBasisName(ClockBasis basis);

// The kind and size of one deadline clock.
struct ClockSpec {
  v1::ClockKind kind = v1::CLOCK_KIND_UNSPECIFIED;
  ClockBasis basis = ClockBasis::kWorkingTime;
  absl::Duration allowance = absl::ZeroDuration();  // kWorkingTime and kCalendarTime.
  int working_days = 0;                             // kWorkingDays.
  // Shares of the allowance, in percent, at which a warning (预警) is raised; strictly increasing, each in (0, 100).
  std::vector<int> warning_percents = {50, 75};

  static ClockSpec WorkingTime(v1::ClockKind kind, absl::Duration allowance);
  static ClockSpec WorkingDays(v1::ClockKind kind, int days);
  static ClockSpec CalendarTime(v1::ClockKind kind, absl::Duration allowance);

  friend bool operator==(const ClockSpec& a, const ClockSpec& b) {
    return a.kind == b.kind && a.basis == b.basis && a.allowance == b.allowance && a.working_days == b.working_days &&
           a.warning_percents == b.warning_percents;
  }
};

// INVALID_ARGUMENT naming the field when the kind is unspecified, the allowance is not positive and finite, the
// working days are not positive, or the warning percents are out of order or outside (0, 100).
absl::Status ValidateClockSpec(const ClockSpec& spec);

// A clock seen at one instant.
struct ClockReading {
  bool started = false;
  bool paused = false;
  bool stopped = false;
  // The due time passed before the reading time (or the stop, if earlier). Finishing exactly at the due time is on
  // time.
  bool breached = false;
  bool used_fallback = false;  // A day consulted lies in a year without a published holiday arrangement.
  // Where counting began (see Clock); the receipt moment for calendar-time clocks.
  absl::Time counting_start = absl::InfiniteFuture();
  // The deadline. While paused, the deadline if the clock resumed at the reading time. InfiniteFuture before start.
  absl::Time due = absl::InfiniteFuture();
  absl::Duration allowance = absl::ZeroDuration();  // Including approved extensions.
  absl::Duration elapsed = absl::ZeroDuration();    // Counted so far, pauses excluded.
  // allowance - elapsed. Negative once counted time runs past the due time; zero when breached outside working
  // hours (a working clock due at 17:30 read at 18:00).
  absl::Duration remaining = absl::ZeroDuration();
  absl::Duration paused_for = absl::ZeroDuration();  // Time (in the clock's basis) spent paused so far.

  // elapsed / allowance in whole percent, rounded down (0 before start); above 100 once counted time passes the due
  // time.
  int PercentElapsed() const;
};

// An instant a timer service arms: a warning threshold or the breach.
struct ClockAlarm {
  static constexpr int kBreachPercent = 100;

  int percent = 0;  // A warning percent, or kBreachPercent.
  // When elapsed time reaches `percent` of the current allowance; nullopt when the clock is paused or stopped before
  // reaching it. May lie in the past: the threshold has been crossed.
  std::optional<absl::Time> at;
  bool used_fallback = false;

  friend bool operator==(const ClockAlarm& a, const ClockAlarm& b) {
    return a.percent == b.percent && a.at == b.at && a.used_fallback == b.used_fallback;
  }
};

// 时限: one deadline clock of a case (sign-off or completion, working-time or emergency calendar-time). A plain value:
// it holds only its history (start, pauses, extensions, stop) and derives every reading from it and the
// WorkingCalendar passed in, so the same history read against the same calendar always gives the same answers, and
// reading against a calendar that has since loaded a newly published arrangement moves the due time accordingly.
// Operations must come in time order; each returns FAILED_PRECONDITION when the clock is not in a state that allows
// it and INVALID_ARGUMENT for a time before the previous operation.
//
// Counting follows WorkingCalendar's convention: working clocks count from the calendar's counting start (the receipt
// moment inside working hours, else the next working period); calendar-time clocks count from the receipt moment.
// A working-days clock's allowance is the working time from its counting start to the end of the Nth working day, so
// pauses and extensions work in working time for both kinds of working clock.
// Time spent paused (挂起: awaiting the resident) does not count, so resuming moves the due time later by the paused
// time in the clock's basis.
class Clock {
 public:
  static absl::StatusOr<Clock> Create(const ClockSpec& spec);

  // Starts the clock for something received at `at`.
  absl::Status Start(absl::Time at);
  // Stops counting from `at` until Resume.
  absl::Status Pause(absl::Time at);
  absl::Status Resume(absl::Time at);
  // Adds approved extra time (延期) to the allowance, in the clock's basis (working time for working clocks). Allowed
  // while running or paused, also after a breach.
  absl::Status Extend(absl::Duration extra);
  // Extends a working clock by whole working days of the calendar's working hours: from a due time at the end of a
  // working day this lands on the end of the `days`-th following working day.
  absl::Status ExtendWorkingDays(const WorkingCalendar& calendar, int days);
  // Final: the case left the stage the clock measures (signed off, resolved). A pause still open ends at `at`.
  absl::Status Stop(absl::Time at);

  ClockReading ReadAt(const WorkingCalendar& calendar, absl::Time t) const;
  // One alarm per warning percent, then the breach, in that order.
  std::vector<ClockAlarm> Alarms(const WorkingCalendar& calendar) const;
  // When elapsed time reaches `percent` (> 0, may exceed 100, e.g. for escalation rungs) of the current allowance.
  ClockAlarm AlarmAt(const WorkingCalendar& calendar, int percent) const;

  const ClockSpec& spec() const { return spec_; }
  bool started() const { return started_; }
  bool paused() const { return !pauses_.empty() && pauses_.back().end == absl::InfiniteFuture(); }
  bool stopped() const { return stopped_at_.has_value(); }
  absl::Time started_at() const { return started_at_; }
  std::optional<absl::Time> stopped_at() const { return stopped_at_; }
  // Approved extensions, in the clock's basis.
  absl::Duration extensions() const { return extensions_; }

 private:
  struct Interval {
    absl::Time begin;
    absl::Time end;  // InfiniteFuture while open.
  };

  // What the history means on a calendar.
  struct Basis {
    absl::Time counting_start;
    absl::Duration allowance;  // Extensions included.
    bool used_fallback = false;
  };

  explicit Clock(ClockSpec spec);

  Basis Derive(const WorkingCalendar& calendar) const;
  // The clock's measure of [a, b) and its inverse, ORing the calendar's fallback flag into `used_fallback`.
  absl::Duration Measure(const WorkingCalendar& calendar, absl::Time a, absl::Time b, bool& used_fallback) const;
  absl::Time Advance(const WorkingCalendar& calendar, absl::Time from, absl::Duration amount,
                     bool& used_fallback) const;
  // The spans during which the clock counts: from the counting start, minus the pauses (an open pause closed at
  // `open_pause_end`), up to the stop when `honour_stop`.
  std::vector<Interval> CountingSpans(absl::Time counting_start, absl::Time open_pause_end, bool honour_stop) const;
  // The first instant at which `amount` has been counted over `spans`, or nullopt if never.
  std::optional<absl::Time> WhenCounted(const WorkingCalendar& calendar, const std::vector<Interval>& spans,
                                        absl::Duration amount, bool& used_fallback) const;
  absl::Status CheckTime(absl::Time at, absl::string_view operation) const;

  ClockSpec spec_;
  bool started_ = false;
  absl::Time started_at_ = absl::InfinitePast();
  absl::Time last_operation_ = absl::InfinitePast();
  absl::Duration extensions_ = absl::ZeroDuration();
  std::vector<Interval> pauses_;  // In time order; only the last may be open.
  std::optional<absl::Time> stopped_at_;
};

}  // namespace gridcase::sla
