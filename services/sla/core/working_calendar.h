#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace gridcase::sla {

// One span of working time inside a working day, [begin, end), as wall-clock offsets from local midnight.
struct WorkingPeriod {
  absl::Duration begin;
  absl::Duration end;

  friend bool operator==(const WorkingPeriod& a, const WorkingPeriod& b) {
    return a.begin == b.begin && a.end == b.end;
  }
};

// Parses "HH:MM-HH:MM" (24:00 is accepted as an end). The period must not be empty.
absl::StatusOr<WorkingPeriod> ParseWorkingPeriod(absl::string_view text);
// The inverse of ParseWorkingPeriod: "09:00-12:00".
std::string FormatWorkingPeriod(const WorkingPeriod& period);

// 09:00–12:00 and 13:30–17:30: seven working hours a day.
std::vector<WorkingPeriod> DefaultWorkingHours();
inline constexpr absl::string_view kDefaultTimeZone = "Asia/Shanghai";

// Checks that periods are non-empty, whole seconds, within [00:00, 24:00], in order and not overlapping.
absl::Status ValidateWorkingHours(absl::Span<const WorkingPeriod> periods);

// 放假调休: one date of a published holiday arrangement. A holiday is a day off even on a weekday; a workday (调休上班)
// is a working day even on a Saturday or Sunday.
enum class DayKind { kHoliday, kWorkday };

struct DayArrangement {
  DayKind kind = DayKind::kHoliday;
  std::string festival;  // As published, e.g. "春节"; may be empty.
  std::string source;    // "<file>:<line>" it was read from, for diagnostics.
};

struct CalendarOptions {
  std::string time_zone = std::string(kDefaultTimeZone);
  // Applied to every working day, make-up workdays included.
  std::vector<WorkingPeriod> working_hours = DefaultWorkingHours();

  friend bool operator==(const CalendarOptions& a, const CalendarOptions& b) = default;
};

// 工作日历: the working calendar that deadline clocks run on. Days follow the published holiday arrangements that have
// been loaded; days without an entry follow Monday–Friday. Working time is the union of the working periods of the
// working days, in the calendar's time zone (Asia/Shanghai by default).
//
// Counting convention (the one rule every clock uses, see docs/SLA-CALENDAR.md):
// - Counting starts at the receipt moment when it falls inside a working period, otherwise at the start of the next
//   working period: before hours → that day's first period; during the lunch break → the afternoon period; after
//   hours, on a weekend or a holiday → the first period of the next working day.
// - Working-time clocks (AddWorkingTime) accumulate working time from the counting start; the due time is the first
//   instant at which the requested amount has accumulated (it may be the end of a period, e.g. 17:30).
// - Day clocks (AddWorkingDays) take the day of the counting start as day 0, which is not counted (期间开始之日
//   不计算在内), and fall due at the end of the last working period of the Nth working day after it.
//
// Fallback: a year with no published arrangement loaded follows Monday–Friday only. Every result reports
// `used_fallback` when any day it consulted lies in such a year, so that callers can flag the deadline as provisional.
//
// Thread-safety: const methods may be called concurrently; loading (AddTsv, AddFile, Merge) needs exclusive access.
// Cost: arithmetic walks day by day (a few time-zone conversions per day): a 15-working-day deadline takes
// microseconds.
class WorkingCalendar {
 public:
  struct DueResult {
    absl::Time due;
    bool used_fallback = false;
  };
  struct StartResult {
    absl::Time start;
    bool used_fallback = false;
  };
  struct ElapsedResult {
    absl::Duration working;
    bool used_fallback = false;
  };

  // A calendar with no arrangements: every year falls back to Monday–Friday. Fails on an unknown time zone or
  // invalid working hours.
  static absl::StatusOr<WorkingCalendar> Create(const CalendarOptions& options = {});
  // Parses one arrangement file's text (format of data/cn-holidays-2026.tsv: '#' comments, a header line
  // "date<TAB>kind<TAB>festival", then one line per date with kind holiday|workday). Errors name the line.
  static absl::StatusOr<WorkingCalendar> FromTsv(absl::string_view text, const CalendarOptions& options = {});
  static absl::StatusOr<WorkingCalendar> FromFile(const std::string& path, const CalendarOptions& options = {});
  // Several files (e.g. one per year) merged into one calendar.
  static absl::StatusOr<WorkingCalendar> FromFiles(absl::Span<const std::string> paths,
                                                   const CalendarOptions& options = {});

  // Adds one file's arrangements. `source` names the text in errors. All or nothing: on error the calendar is
  // unchanged. A date may appear in several files with the same kind; a conflicting kind is INVALID_ARGUMENT, as is
  // any date listed twice in the same file.
  absl::Status AddTsv(absl::string_view text, absl::string_view source = "<tsv>");
  absl::Status AddFile(const std::string& path);
  // Adds `other`'s arrangements and published years, with the same conflict rule as AddTsv. Time zone and working
  // hours stay this calendar's.
  absl::Status Merge(const WorkingCalendar& other);

  const absl::TimeZone& time_zone() const { return time_zone_; }
  const std::vector<WorkingPeriod>& working_hours() const { return working_hours_; }
  // Working time in one working day (7 h with the default hours).
  absl::Duration WorkingTimePerDay() const { return working_time_per_day_; }

  bool IsWorkingDay(absl::CivilDay day) const;
  // True when an arrangement for `year` has been loaded. A file publishes the years its dates fall in, except dates
  // in the last week of December of a year before another year in the same file: those are the spill-over of the next
  // New Year's Day holiday (e.g. 2022-12-31 in the 2023 arrangement) and do not publish their own year.
  bool HasArrangementFor(int year) const;
  // Published years, ascending.
  std::vector<int> PublishedYears() const;
  // The loaded arrangement for `day`, or nullptr when the day follows Monday–Friday.
  const DayArrangement* ArrangementOn(absl::CivilDay day) const;
  int arrangement_count() const { return static_cast<int>(arrangements_.size()); }

  // Where counting starts for something received at `received` (see the convention above).
  StartResult CountingStart(absl::Time received) const;
  // The first instant at which `working` working time has accumulated since `start`. A non-positive amount is due at
  // `start`; an infinite amount at absl::InfiniteFuture().
  DueResult AddWorkingTime(absl::Time start, absl::Duration working) const;
  // Completion within `days` working days of `start`: the end of the last working period of the `days`-th working
  // day after the counting start's day. `days` = 0 is the end of the counting start's own day; negative counts as 0.
  DueResult AddWorkingDays(absl::Time start, int days) const;
  // Working time inside [a, b). Antisymmetric: negative when b < a.
  ElapsedResult WorkingTimeBetween(absl::Time a, absl::Time b) const;

 private:
  WorkingCalendar(absl::TimeZone time_zone, std::vector<WorkingPeriod> working_hours);

  // Absolute bounds of working period `index` on `day`.
  absl::Time PeriodBegin(absl::CivilDay day, size_t index) const;
  absl::Time PeriodEnd(absl::CivilDay day, size_t index) const;
  // IsWorkingDay plus the fallback flag for `day`'s year.
  bool IsWorkingDayNoting(absl::CivilDay day, bool& used_fallback) const;
  absl::Status AddEntries(const absl::flat_hash_map<int64_t, DayArrangement>& entries,
                          const absl::flat_hash_set<int64_t>& years);

  absl::TimeZone time_zone_;
  std::vector<WorkingPeriod> working_hours_;
  std::vector<std::pair<int64_t, int64_t>> period_seconds_;  // working_hours_ as seconds after midnight.
  absl::Duration working_time_per_day_;
  absl::flat_hash_map<int64_t, DayArrangement> arrangements_;  // Keyed by days since 1970-01-01.
  absl::flat_hash_set<int64_t> published_years_;
};

}  // namespace gridcase::sla
