#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gridcase::feedback {

// The county's time zone (Asia/Shanghai, UTC+8 all year): days and months of the statistics are its.
absl::TimeZone CountyZone();

// The statistics' periods: a day "d:2026-03-02" and a month "m:2026-03". Every counted fact goes into the two periods
// that contain its time (a week is read as its seven days: one counter fewer to write with every fact).
std::vector<std::string> PeriodsOf(absl::Time t, absl::TimeZone zone = CountyZone());

// The fewest periods that exactly tile the days [from, to): whole months where they fit, then days. Empty when to <= from.
std::vector<std::string> CoverDays(absl::CivilDay from, absl::CivilDay to);

// "YYYY-MM-DD" → civil day; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, absl::string_view field);

// The instant a civil day starts in `zone`.
absl::Time StartOfDay(absl::CivilDay day, absl::TimeZone zone = CountyZone());

}  // namespace gridcase::feedback
