#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/sla/core/working_calendar.h"

namespace gridcase::sla::testing {

// The repository root: $GRIDCASE_SOURCE_DIR (set by gridcase_test), else the source tree this test was built from.
std::string SourceDir();
// services/sla/data/cn-holidays-2026.tsv, the calendar the service ships.
std::string ShippedHolidayFile();
// ../shared/data/cn-holidays-2026.tsv beside the repository, the published original.
std::string SharedHolidayFile();
std::string ReadFileOrDie(const std::string& path);

// The shipped 2026 calendar with the default working hours; aborts the test binary if it does not load.
const WorkingCalendar& Calendar2026();

// Succeeds when `text` contains `part`; the failure message shows both.
::testing::AssertionResult HasSubstr(absl::string_view text, absl::string_view part);

// A wall-clock instant in Asia/Shanghai.
absl::Time Beijing(int year, int month, int day, int hour, int minute, int second = 0);

}  // namespace gridcase::sla::testing
