#include "services/sla/core/test_util.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace gridcase::sla::testing {

std::string SourceDir() {
  if (const char* dir = std::getenv("GRIDCASE_SOURCE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return GRIDCASE_SLA_TEST_SOURCE_DIR;
}

std::string ShippedHolidayFile() { return SourceDir() + "/services/sla/data/cn-holidays-2026.tsv"; }

std::string SharedHolidayFile() { return SourceDir() + "/../shared/data/cn-holidays-2026.tsv"; }

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    std::abort();
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const WorkingCalendar& Calendar2026() {
  static const WorkingCalendar* const calendar = [] {
    absl::StatusOr<WorkingCalendar> loaded = WorkingCalendar::FromFile(ShippedHolidayFile());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return new WorkingCalendar(*std::move(loaded));
  }();
  return *calendar;
}

::testing::AssertionResult HasSubstr(absl::string_view text, absl::string_view part) {
  if (text.find(part) != absl::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

absl::Time Beijing(int year, int month, int day, int hour, int minute, int second) {
  static const absl::TimeZone* const zone = [] {
    auto* loaded = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", loaded)) std::abort();
    return loaded;
  }();
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second), *zone);
}

}  // namespace gridcase::sla::testing
