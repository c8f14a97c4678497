#include "services/sla/core/working_calendar.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace gridcase::sla {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);
// A date on or after this day of December, in a year followed by another year in the same file, belongs to the next
// year's New Year's Day (元旦) arrangement.
constexpr int kNewYearSpillOverFirstDecemberDay = 25;

int64_t DayKey(absl::CivilDay day) { return day - kEpochDay; }
absl::CivilDay DayFromKey(int64_t key) { return kEpochDay + key; }

bool IsWeekday(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

absl::StatusOr<absl::Duration> ParseClockTime(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int hours = 0;
  int minutes = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 || !absl::SimpleAtoi(parts[0], &hours) ||
      !absl::SimpleAtoi(parts[1], &minutes) || hours < 0 || minutes < 0 || minutes > 59 || hours > 24 ||
      (hours == 24 && minutes != 0)) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a time of day HH:MM (00:00 to 24:00)"));
  }
  return absl::Hours(hours) + absl::Minutes(minutes);
}

std::string FormatClockTime(absl::Duration offset) {
  const int64_t minutes = absl::ToInt64Minutes(offset);
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

// Years a file publishes: see WorkingCalendar::HasArrangementFor.
absl::flat_hash_set<int64_t> PublishedYearsOf(const absl::flat_hash_map<int64_t, DayArrangement>& entries) {
  std::map<int64_t, bool> only_spill_over;  // year -> every entry lies in the last week of December.
  for (const auto& [key, arrangement] : entries) {
    const absl::CivilDay day = DayFromKey(key);
    const bool late_december = day.month() == 12 && day.day() >= kNewYearSpillOverFirstDecemberDay;
    auto [it, inserted] = only_spill_over.emplace(day.year(), late_december);
    if (!inserted) it->second = it->second && late_december;
  }
  absl::flat_hash_set<int64_t> years;
  for (const auto& [year, spill_over] : only_spill_over) {
    if (!spill_over || !only_spill_over.contains(year + 1)) years.insert(year);
  }
  return years;
}

}  // namespace

absl::StatusOr<WorkingPeriod> ParseWorkingPeriod(absl::string_view text) {
  const std::vector<absl::string_view> bounds = absl::StrSplit(text, '-');
  if (bounds.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a working period HH:MM-HH:MM"));
  }
  absl::StatusOr<absl::Duration> begin = ParseClockTime(absl::StripAsciiWhitespace(bounds[0]));
  if (!begin.ok()) return begin.status();
  absl::StatusOr<absl::Duration> end = ParseClockTime(absl::StripAsciiWhitespace(bounds[1]));
  if (!end.ok()) return end.status();
  if (*end <= *begin) {
    return absl::InvalidArgumentError(absl::StrCat("working period '", text, "' ends before it begins"));
  }
  return WorkingPeriod{*begin, *end};
}

std::string FormatWorkingPeriod(const WorkingPeriod& period) {
  return absl::StrCat(FormatClockTime(period.begin), "-", FormatClockTime(period.end));
}

std::vector<WorkingPeriod> DefaultWorkingHours() {
  return {{absl::Hours(9), absl::Hours(12)},
          {absl::Hours(13) + absl::Minutes(30), absl::Hours(17) + absl::Minutes(30)}};
}

absl::Status ValidateWorkingHours(absl::Span<const WorkingPeriod> periods) {
  if (periods.empty()) return absl::InvalidArgumentError("working hours: at least one working period is required");
  for (size_t i = 0; i < periods.size(); ++i) {
    const WorkingPeriod& p = periods[i];
    const std::string where = absl::StrCat("working hours: period ", i + 1);
    if (p.begin < absl::ZeroDuration() || p.end > absl::Hours(24)) {
      return absl::InvalidArgumentError(absl::StrCat(where, " lies outside 00:00-24:00"));
    }
    if (p.end <= p.begin) return absl::InvalidArgumentError(absl::StrCat(where, " is empty"));
    if (p.begin != absl::Seconds(absl::ToInt64Seconds(p.begin)) ||
        p.end != absl::Seconds(absl::ToInt64Seconds(p.end))) {
      return absl::InvalidArgumentError(absl::StrCat(where, " is not in whole seconds"));
    }
    if (i > 0 && p.begin < periods[i - 1].end) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (", FormatWorkingPeriod(p), ") overlaps or precedes the period before it"));
    }
  }
  return absl::OkStatus();
}

WorkingCalendar::WorkingCalendar(absl::TimeZone time_zone, std::vector<WorkingPeriod> working_hours)
    : time_zone_(time_zone), working_hours_(std::move(working_hours)), working_time_per_day_(absl::ZeroDuration()) {
  for (const WorkingPeriod& p : working_hours_) {
    period_seconds_.emplace_back(absl::ToInt64Seconds(p.begin), absl::ToInt64Seconds(p.end));
    working_time_per_day_ += p.end - p.begin;
  }
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::Create(const CalendarOptions& options) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(options.time_zone, &zone)) {
    return absl::InvalidArgumentError(absl::StrCat("time zone '", options.time_zone, "' could not be loaded"));
  }
  if (absl::Status status = ValidateWorkingHours(options.working_hours); !status.ok()) return status;
  return WorkingCalendar(zone, options.working_hours);
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::FromTsv(absl::string_view text, const CalendarOptions& options) {
  absl::StatusOr<WorkingCalendar> calendar = Create(options);
  if (!calendar.ok()) return calendar.status();
  if (absl::Status status = calendar->AddTsv(text); !status.ok()) return status;
  return calendar;
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::FromFile(const std::string& path, const CalendarOptions& options) {
  return FromFiles(absl::MakeConstSpan(&path, 1), options);
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::FromFiles(absl::Span<const std::string> paths,
                                                           const CalendarOptions& options) {
  absl::StatusOr<WorkingCalendar> calendar = Create(options);
  if (!calendar.ok()) return calendar.status();
  for (const std::string& path : paths) {
    if (absl::Status status = calendar->AddFile(path); !status.ok()) return status;
  }
  return calendar;
}

absl::Status WorkingCalendar::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("holiday arrangement ", path, ": cannot open: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("holiday arrangement ", path, ": read failed"));
  return AddTsv(text.str(), path);
}

absl::Status WorkingCalendar::AddTsv(absl::string_view text, absl::string_view source) {
  constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());

  absl::flat_hash_map<int64_t, DayArrangement> entries;
  absl::flat_hash_map<int64_t, int> line_of;
  bool header_seen = false;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    auto error = [&](absl::string_view message) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", message));
    };

    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    for (absl::string_view& field : fields) field = absl::StripAsciiWhitespace(field);
    if (!header_seen) {
      if (fields.size() != 3 || !absl::EqualsIgnoreCase(fields[0], "date") ||
          !absl::EqualsIgnoreCase(fields[1], "kind") || !absl::EqualsIgnoreCase(fields[2], "festival")) {
        return error(absl::StrCat("expected the header 'date<TAB>kind<TAB>festival', got '", trimmed, "'"));
      }
      header_seen = true;
      continue;
    }
    if (fields.size() < 2 || fields.size() > 3) {
      return error(absl::StrCat("expected date<TAB>kind<TAB>festival, got ", fields.size(),
                                " tab-separated field(s) in '", trimmed, "'"));
    }
    absl::CivilDay day;
    // Four-digit years only: years are spoken as int (HasArrangementFor, PublishedYears).
    if (!absl::ParseCivilTime(fields[0], &day) || absl::FormatCivilTime(day) != fields[0] || day.year() < 1000 ||
        day.year() > 9999) {
      return error(absl::StrCat("'", fields[0], "' is not a date YYYY-MM-DD"));
    }
    DayArrangement arrangement;
    if (fields[1] == "holiday") {
      arrangement.kind = DayKind::kHoliday;
    } else if (fields[1] == "workday") {
      arrangement.kind = DayKind::kWorkday;
    } else {
      return error(absl::StrCat("kind '", fields[1], "' is neither 'holiday' nor 'workday'"));
    }
    if (fields.size() == 3) arrangement.festival = std::string(fields[2]);
    arrangement.source = absl::StrCat(source, ":", line_number);
    const int64_t key = DayKey(day);
    if (auto [it, inserted] = line_of.emplace(key, line_number); !inserted) {
      return error(absl::StrCat(fields[0], " is already listed on line ", it->second));
    }
    entries.emplace(key, std::move(arrangement));
  }
  if (!header_seen) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no header line 'date<TAB>kind<TAB>festival' (the file is empty or all comments)"));
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": the header is followed by no dates"));
  }
  return AddEntries(entries, PublishedYearsOf(entries));
}

absl::Status WorkingCalendar::Merge(const WorkingCalendar& other) {
  return AddEntries(other.arrangements_, other.published_years_);
}

absl::Status WorkingCalendar::AddEntries(const absl::flat_hash_map<int64_t, DayArrangement>& entries,
                                         const absl::flat_hash_set<int64_t>& years) {
  for (const auto& [key, arrangement] : entries) {
    auto it = arrangements_.find(key);
    if (it != arrangements_.end() && it->second.kind != arrangement.kind) {
      auto kind_name = [](DayKind kind) { return kind == DayKind::kHoliday ? "holiday" : "workday"; };
      return absl::InvalidArgumentError(absl::StrCat(arrangement.source, ": ", absl::FormatCivilTime(DayFromKey(key)),
                                                     " is a ", kind_name(arrangement.kind), " here but a ",
                                                     kind_name(it->second.kind), " at ", it->second.source));
    }
  }
  for (const auto& [key, arrangement] : entries) arrangements_.try_emplace(key, arrangement);
  published_years_.insert(years.begin(), years.end());
  return absl::OkStatus();
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  auto it = arrangements_.find(DayKey(day));
  if (it != arrangements_.end()) return it->second.kind == DayKind::kWorkday;
  return IsWeekday(day);
}

bool WorkingCalendar::IsWorkingDayNoting(absl::CivilDay day, bool& used_fallback) const {
  if (!published_years_.contains(day.year())) used_fallback = true;
  return IsWorkingDay(day);
}

bool WorkingCalendar::HasArrangementFor(int year) const { return published_years_.contains(year); }

std::vector<int> WorkingCalendar::PublishedYears() const {
  std::vector<int> years(published_years_.begin(), published_years_.end());
  std::sort(years.begin(), years.end());
  return years;
}

const DayArrangement* WorkingCalendar::ArrangementOn(absl::CivilDay day) const {
  auto it = arrangements_.find(DayKey(day));
  return it == arrangements_.end() ? nullptr : &it->second;
}

absl::Time WorkingCalendar::PeriodBegin(absl::CivilDay day, size_t index) const {
  return absl::FromCivil(absl::CivilSecond(day) + period_seconds_[index].first, time_zone_);
}

absl::Time WorkingCalendar::PeriodEnd(absl::CivilDay day, size_t index) const {
  return absl::FromCivil(absl::CivilSecond(day) + period_seconds_[index].second, time_zone_);
}

WorkingCalendar::StartResult WorkingCalendar::CountingStart(absl::Time received) const {
  StartResult result{received, false};
  if (received == absl::InfinitePast() || received == absl::InfiniteFuture()) return result;
  for (absl::CivilDay day = absl::ToCivilDay(received, time_zone_);; ++day) {
    if (!IsWorkingDayNoting(day, result.used_fallback)) continue;
    for (size_t i = 0; i < period_seconds_.size(); ++i) {
      if (received < PeriodEnd(day, i)) {
        result.start = std::max(received, PeriodBegin(day, i));
        return result;
      }
    }
  }
}

WorkingCalendar::DueResult WorkingCalendar::AddWorkingTime(absl::Time start, absl::Duration working) const {
  DueResult result{start, false};
  if (working <= absl::ZeroDuration() || start == absl::InfiniteFuture()) return result;
  if (working == absl::InfiniteDuration() || start == absl::InfinitePast()) {
    result.due = absl::InfiniteFuture();
    return result;
  }
  absl::Duration remaining = working;
  for (absl::CivilDay day = absl::ToCivilDay(start, time_zone_);; ++day) {
    if (!IsWorkingDayNoting(day, result.used_fallback)) continue;
    for (size_t i = 0; i < period_seconds_.size(); ++i) {
      const absl::Time begin = std::max(start, PeriodBegin(day, i));
      const absl::Time end = PeriodEnd(day, i);
      if (begin >= end) continue;
      const absl::Duration available = end - begin;
      if (remaining <= available) {
        result.due = begin + remaining;
        return result;
      }
      remaining -= available;
    }
  }
}

WorkingCalendar::DueResult WorkingCalendar::AddWorkingDays(absl::Time start, int days) const {
  const StartResult counting = CountingStart(start);
  DueResult result{counting.start, counting.used_fallback};
  if (counting.start == absl::InfinitePast() || counting.start == absl::InfiniteFuture()) return result;
  absl::CivilDay day = absl::ToCivilDay(counting.start, time_zone_);
  for (int counted = 0; counted < days;) {
    ++day;
    if (IsWorkingDayNoting(day, result.used_fallback)) ++counted;
  }
  result.due = PeriodEnd(day, period_seconds_.size() - 1);
  return result;
}

WorkingCalendar::ElapsedResult WorkingCalendar::WorkingTimeBetween(absl::Time a, absl::Time b) const {
  if (b < a) {
    ElapsedResult reversed = WorkingTimeBetween(b, a);
    reversed.working = -reversed.working;
    return reversed;
  }
  ElapsedResult result{absl::ZeroDuration(), false};
  if (a == b) return result;
  if (a == absl::InfinitePast() || b == absl::InfiniteFuture()) {
    result.working = absl::InfiniteDuration();
    return result;
  }
  const absl::CivilDay last = absl::ToCivilDay(b, time_zone_);
  for (absl::CivilDay day = absl::ToCivilDay(a, time_zone_); day <= last; ++day) {
    if (!IsWorkingDayNoting(day, result.used_fallback)) continue;
    for (size_t i = 0; i < period_seconds_.size(); ++i) {
      const absl::Time begin = std::max(a, PeriodBegin(day, i));
      const absl::Time end = std::min(b, PeriodEnd(day, i));
      if (begin < end) result.working += end - begin;
    }
  }
  return result;
}

}  // namespace gridcase::sla
