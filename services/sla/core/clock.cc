#include "services/sla/core/clock.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace gridcase::sla {

absl::string_view ClockBasisName(ClockBasis basis) {
  switch (basis) {
    case ClockBasis::kWorkingTime:
      return "working_time";
    case ClockBasis::kWorkingDays:
      return "working_days";
    case ClockBasis::kCalendarTime:
      return "calendar_time";
  }
  return "unknown";
}

ClockSpec ClockSpec::WorkingTime(v1::ClockKind kind, absl::Duration allowance) {
  ClockSpec spec;
  spec.kind = kind;
  spec.basis = ClockBasis::kWorkingTime;
  spec.allowance = allowance;
  return spec;
}

ClockSpec ClockSpec::WorkingDays(v1::ClockKind kind, int days) {
  ClockSpec spec;
  spec.kind = kind;
  spec.basis = ClockBasis::kWorkingDays;
  spec.working_days = days;
  return spec;
}

ClockSpec ClockSpec::CalendarTime(v1::ClockKind kind, absl::Duration allowance) {
  ClockSpec spec;
  spec.kind = kind;
  spec.basis = ClockBasis::kCalendarTime;
  spec.allowance = allowance;
  return spec;
}

absl::Status ValidateClockSpec(const ClockSpec& spec) {
  if (spec.kind == v1::CLOCK_KIND_UNSPECIFIED || !v1::ClockKind_IsValid(spec.kind)) {
    return absl::InvalidArgumentError("clock spec: kind must be SIGN_OFF or COMPLETION");
  }
  if (spec.basis == ClockBasis::kWorkingDays) {
    if (spec.working_days <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("clock spec: working_days must be positive, got ", spec.working_days));
    }
  } else if (spec.allowance <= absl::ZeroDuration() || spec.allowance == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("clock spec: allowance must be positive and finite, got ", absl::FormatDuration(spec.allowance)));
  }
  int previous = 0;
  for (int percent : spec.warning_percents) {
    if (percent <= previous || percent >= ClockAlarm::kBreachPercent) {
      return absl::InvalidArgumentError(
          absl::StrCat("clock spec: warning_percents must be strictly increasing and within 1..99, got ", percent));
    }
    previous = percent;
  }
  return absl::OkStatus();
}

Clock::Clock(ClockSpec spec) : spec_(std::move(spec)) {}

absl::StatusOr<Clock> Clock::Create(const ClockSpec& spec) {
  if (absl::Status status = ValidateClockSpec(spec); !status.ok()) return status;
  return Clock(spec);
}

absl::Status Clock::CheckTime(absl::Time at, absl::string_view operation) const {
  if (at == absl::InfinitePast() || at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError(absl::StrCat(operation, ": time must be finite"));
  }
  if (at < last_operation_) {
    return absl::InvalidArgumentError(absl::StrCat(operation, " at ", absl::FormatTime(at),
                                                   " is before the previous operation at ",
                                                   absl::FormatTime(last_operation_)));
  }
  return absl::OkStatus();
}

absl::Status Clock::Start(absl::Time at) {
  if (started_) return absl::FailedPreconditionError("start: the clock has already started");
  if (absl::Status status = CheckTime(at, "start"); !status.ok()) return status;
  started_ = true;
  started_at_ = at;
  last_operation_ = at;
  return absl::OkStatus();
}

Clock::Basis Clock::Derive(const WorkingCalendar& calendar) const {
  switch (spec_.basis) {
    case ClockBasis::kCalendarTime:
      return {started_at_, spec_.allowance + extensions_, false};
    case ClockBasis::kWorkingTime: {
      const WorkingCalendar::StartResult start = calendar.CountingStart(started_at_);
      return {start.start, spec_.allowance + extensions_, start.used_fallback};
    }
    case ClockBasis::kWorkingDays: {
      const WorkingCalendar::StartResult start = calendar.CountingStart(started_at_);
      const WorkingCalendar::DueResult due = calendar.AddWorkingDays(started_at_, spec_.working_days);
      const WorkingCalendar::ElapsedResult days = calendar.WorkingTimeBetween(start.start, due.due);
      return {start.start, days.working + extensions_, start.used_fallback || due.used_fallback || days.used_fallback};
    }
  }
  return {started_at_, extensions_, false};
}

absl::Status Clock::Pause(absl::Time at) {
  if (!started_) return absl::FailedPreconditionError("pause: the clock has not started");
  if (stopped()) return absl::FailedPreconditionError("pause: the clock has stopped");
  if (paused()) return absl::FailedPreconditionError("pause: the clock is already paused");
  if (absl::Status status = CheckTime(at, "pause"); !status.ok()) return status;
  pauses_.push_back({at, absl::InfiniteFuture()});
  last_operation_ = at;
  return absl::OkStatus();
}

absl::Status Clock::Resume(absl::Time at) {
  if (!paused()) return absl::FailedPreconditionError("resume: the clock is not paused");
  if (absl::Status status = CheckTime(at, "resume"); !status.ok()) return status;
  pauses_.back().end = at;
  last_operation_ = at;
  return absl::OkStatus();
}

absl::Status Clock::Extend(absl::Duration extra) {
  if (!started_) return absl::FailedPreconditionError("extend: the clock has not started");
  if (stopped()) return absl::FailedPreconditionError("extend: the clock has stopped");
  if (extra <= absl::ZeroDuration() || extra == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("extend: extra time must be positive and finite, got ", absl::FormatDuration(extra)));
  }
  extensions_ += extra;
  return absl::OkStatus();
}

absl::Status Clock::ExtendWorkingDays(const WorkingCalendar& calendar, int days) {
  if (spec_.basis == ClockBasis::kCalendarTime) {
    return absl::FailedPreconditionError("extend: a calendar-time clock cannot be extended by working days");
  }
  if (days <= 0) return absl::InvalidArgumentError(absl::StrCat("extend: days must be positive, got ", days));
  return Extend(calendar.WorkingTimePerDay() * days);
}

absl::Status Clock::Stop(absl::Time at) {
  if (!started_) return absl::FailedPreconditionError("stop: the clock has not started");
  if (stopped()) return absl::FailedPreconditionError("stop: the clock has already stopped");
  if (absl::Status status = CheckTime(at, "stop"); !status.ok()) return status;
  if (paused()) pauses_.back().end = at;
  stopped_at_ = at;
  last_operation_ = at;
  return absl::OkStatus();
}

absl::Duration Clock::Measure(const WorkingCalendar& calendar, absl::Time a, absl::Time b, bool& used_fallback) const {
  if (spec_.basis == ClockBasis::kCalendarTime) return b - a;
  const WorkingCalendar::ElapsedResult elapsed = calendar.WorkingTimeBetween(a, b);
  used_fallback = used_fallback || elapsed.used_fallback;
  return elapsed.working;
}

absl::Time Clock::Advance(const WorkingCalendar& calendar, absl::Time from, absl::Duration amount,
                          bool& used_fallback) const {
  if (spec_.basis == ClockBasis::kCalendarTime) return from + amount;
  const WorkingCalendar::DueResult due = calendar.AddWorkingTime(from, amount);
  used_fallback = used_fallback || due.used_fallback;
  return due.due;
}

std::vector<Clock::Interval> Clock::CountingSpans(absl::Time counting_start, absl::Time open_pause_end,
                                                  bool honour_stop) const {
  std::vector<Interval> spans;
  const absl::Time limit = honour_stop && stopped_at_.has_value() ? *stopped_at_ : absl::InfiniteFuture();
  auto add = [&](absl::Time begin, absl::Time end) {
    end = std::min(end, limit);
    if (begin < end) spans.push_back({begin, end});
  };
  absl::Time cursor = counting_start;
  for (const Interval& pause : pauses_) {
    const absl::Time end = pause.end == absl::InfiniteFuture() ? std::max(open_pause_end, pause.begin) : pause.end;
    add(cursor, pause.begin);
    cursor = std::max(cursor, end);
  }
  add(cursor, absl::InfiniteFuture());
  return spans;
}

std::optional<absl::Time> Clock::WhenCounted(const WorkingCalendar& calendar, const std::vector<Interval>& spans,
                                             absl::Duration amount, bool& used_fallback) const {
  for (const Interval& span : spans) {
    if (span.end == absl::InfiniteFuture()) return Advance(calendar, span.begin, amount, used_fallback);
    const absl::Duration available = Measure(calendar, span.begin, span.end, used_fallback);
    if (amount <= available) return Advance(calendar, span.begin, amount, used_fallback);
    amount -= available;
  }
  return std::nullopt;
}

ClockReading Clock::ReadAt(const WorkingCalendar& calendar, absl::Time t) const {
  ClockReading reading;
  if (!started_) return reading;
  const Basis basis = Derive(calendar);
  reading.started = true;
  reading.used_fallback = basis.used_fallback;
  reading.counting_start = basis.counting_start;
  reading.allowance = basis.allowance;
  reading.stopped = stopped_at_.has_value() && *stopped_at_ <= t;
  for (const Interval& pause : pauses_) {
    if (pause.begin <= t && t < pause.end) reading.paused = true;
  }

  const absl::Time until = stopped_at_.has_value() ? std::min(t, *stopped_at_) : t;
  for (const Interval& span : CountingSpans(basis.counting_start, t, /*honour_stop=*/true)) {
    if (span.begin >= until) break;
    reading.elapsed += Measure(calendar, span.begin, std::min(span.end, until), reading.used_fallback);
  }
  if (until > basis.counting_start) {
    reading.paused_for = Measure(calendar, basis.counting_start, until, reading.used_fallback) - reading.elapsed;
  }
  reading.remaining = reading.allowance - reading.elapsed;
  reading.due = WhenCounted(calendar, CountingSpans(basis.counting_start, t, /*honour_stop=*/false), reading.allowance,
                            reading.used_fallback)
                    .value_or(absl::InfiniteFuture());
  reading.breached = until > reading.due;
  return reading;
}

int ClockReading::PercentElapsed() const {
  if (!started || allowance <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::floor(absl::FDivDuration(elapsed * 100, allowance)));
}

ClockAlarm Clock::AlarmAt(const WorkingCalendar& calendar, int percent) const {
  ClockAlarm alarm;
  alarm.percent = percent;
  if (!started_ || percent <= 0) return alarm;
  const Basis basis = Derive(calendar);
  alarm.used_fallback = basis.used_fallback;
  alarm.at = WhenCounted(calendar, CountingSpans(basis.counting_start, absl::InfiniteFuture(), /*honour_stop=*/true),
                         basis.allowance * percent / ClockAlarm::kBreachPercent, alarm.used_fallback);
  return alarm;
}

std::vector<ClockAlarm> Clock::Alarms(const WorkingCalendar& calendar) const {
  std::vector<ClockAlarm> alarms;
  if (!started_) return alarms;
  for (int percent : spec_.warning_percents) alarms.push_back(AlarmAt(calendar, percent));
  alarms.push_back(AlarmAt(calendar, ClockAlarm::kBreachPercent));
  return alarms;
}

}  // namespace gridcase::sla
