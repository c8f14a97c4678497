#include "services/feedback/core/periods.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::feedback {
namespace {

std::string DayKey(absl::CivilDay day) { return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day()); }

}  // namespace

absl::TimeZone CountyZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    if (absl::LoadTimeZone("Asia/Shanghai", &tz)) return tz;
    return absl::FixedTimeZone(8 * 3600);
  }();
  return zone;
}

std::vector<std::string> PeriodsOf(absl::Time t, absl::TimeZone zone) {
  absl::CivilDay day = absl::ToCivilDay(t, zone);
  return {absl::StrCat("d:", DayKey(day)), absl::StrFormat("m:%04d-%02d", day.year(), day.month())};
}

std::vector<std::string> CoverDays(absl::CivilDay from, absl::CivilDay to) {
  std::vector<std::string> periods;
  absl::CivilDay day = from;
  while (day < to) {
    if (day.day() == 1) {
      absl::CivilDay next_month = absl::CivilDay(absl::CivilMonth(day) + 1);
      if (next_month <= to) {
        periods.push_back(absl::StrFormat("m:%04d-%02d", day.year(), day.month()));
        day = next_month;
        continue;
      }
    }
    periods.push_back(absl::StrCat("d:", DayKey(day)));
    day += 1;
  }
  return periods;
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, absl::string_view field) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || DayKey(day) != text) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be a date YYYY-MM-DD, got \"", text, "\""));
  }
  return day;
}

absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone) { return absl::FromCivil(day, zone); }

}  // namespace gridcase::feedback
