#include "services/intake/core/case_day.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gridcase::intake {
namespace {

const absl::TimeZone& Shanghai() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) *tz = absl::FixedTimeZone(8 * 3600);
    return tz;
  }();
  return *zone;
}

}  // namespace

std::string ShanghaiDay(absl::Time t) { return absl::FormatTime("%Y%m%d", t, Shanghai()); }

absl::StatusOr<absl::Time> ShanghaiDayStart(const std::string& day) {
  int year = 0;
  int month = 0;
  int date = 0;
  absl::string_view digits = day;
  if (day.size() != 8 || !absl::SimpleAtoi(digits.substr(0, 4), &year) ||
      !absl::SimpleAtoi(digits.substr(4, 2), &month) || !absl::SimpleAtoi(digits.substr(6, 2), &date)) {
    return absl::InvalidArgumentError(absl::StrCat("day: ", day, " is not yyyymmdd"));
  }
  absl::CivilDay civil(year, month, date);
  if (civil.year() != year || civil.month() != month || civil.day() != date) {
    return absl::InvalidArgumentError(absl::StrCat("day: ", day, " is not a date"));
  }
  return absl::FromCivil(civil, Shanghai());
}

}  // namespace gridcase::intake
