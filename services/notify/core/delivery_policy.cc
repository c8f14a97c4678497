#include "services/notify/core/delivery_policy.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gridcase::notify {
namespace {

bool ParseMinute(absl::string_view hhmm, int* minute) {
  std::vector<absl::string_view> parts = absl::StrSplit(hhmm, ':');
  int h = 0;
  int m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 || !absl::SimpleAtoi(parts[0], &h) ||
      !absl::SimpleAtoi(parts[1], &m) || h < 0 || h > 23 || m < 0 || m > 59) {
    return false;
  }
  *minute = h * 60 + m;
  return true;
}

}  // namespace

absl::Duration RetryPolicy::Backoff(int failures) const {
  absl::Duration wait = initial;
  for (int i = 1; i < failures && wait < max; ++i) wait *= 2;
  return std::min(wait, max);
}

absl::StatusOr<QuietHours> QuietHours::Parse(const std::string& value) {
  std::vector<std::string> parts = absl::StrSplit(value, '-');
  QuietHours q;
  if (parts.size() != 2 || !ParseMinute(parts[0], &q.start_minute) || !ParseMinute(parts[1], &q.end_minute)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--quiet_hours: \"", value, "\" is not HH:MM-HH:MM (China Standard Time), e.g. 22:00-08:00"));
  }
  return q;
}

absl::Time QuietHours::NextAllowed(absl::Time t) const {
  if (start_minute == end_minute) return t;
  const absl::TimeZone cst = absl::FixedTimeZone(8 * 3600);
  const absl::CivilSecond local = absl::ToCivilSecond(t, cst);
  const int minute = local.hour() * 60 + local.minute();
  const bool quiet = start_minute < end_minute ? (minute >= start_minute && minute < end_minute)
                                               : (minute >= start_minute || minute < end_minute);
  if (!quiet) return t;
  absl::CivilDay day = absl::CivilDay(local);
  if (start_minute > end_minute && minute >= start_minute) day += 1;  // Quiet since the evening: ends tomorrow.
  return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), end_minute / 60, end_minute % 60), cst);
}

}  // namespace gridcase::notify
