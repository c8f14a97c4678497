// Fuzz target for the holiday arrangement files (data/cn-holidays-*.tsv), typed from the State Council's notice, and
// for the "HH:MM-HH:MM" working periods of the calendar. Parsing never crashes; an accepted file loads again into the
// same calendar without a conflict; its days are working days exactly as their arrangement says; its years are
// published; and working-time arithmetic agrees with itself (the working time between a start and the due time of N
// working hours is N hours). An accepted working period formats and parses back to itself.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "fuzz/fuzz_check.h"
#include "services/sla/core/working_calendar.h"

namespace {

namespace sla = gridcase::sla;

void CheckWorkingPeriod(absl::string_view text) {
  auto period = sla::ParseWorkingPeriod(text);
  if (!period.ok()) return;
  FUZZ_CHECK(period->begin < period->end && period->begin >= absl::ZeroDuration() &&
                 period->end <= absl::Hours(24),
             std::string(text));
  auto again = sla::ParseWorkingPeriod(sla::FormatWorkingPeriod(*period));
  FUZZ_CHECK(again.ok() && *again == *period, sla::FormatWorkingPeriod(*period));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckWorkingPeriod(text.substr(0, text.find('\n')));

  auto calendar = sla::WorkingCalendar::FromTsv(text);
  if (!calendar.ok()) {
    FUZZ_CHECK(calendar.status().code() == absl::StatusCode::kInvalidArgument, calendar.status().ToString());
    return 0;
  }
  const int count = calendar->arrangement_count();
  absl::Status reload = calendar->AddTsv(text, "again");
  FUZZ_CHECK(reload.ok(), reload.ToString());
  FUZZ_CHECK(calendar->arrangement_count() == count, "reloading adds nothing");

  std::vector<int> years = calendar->PublishedYears();
  if (years.size() > 3) years.resize(3);
  for (int year : years) {
    FUZZ_CHECK(calendar->HasArrangementFor(year), absl::StrCat(year));
    for (absl::CivilDay day(year, 1, 1); day.year() == year; ++day) {
      const sla::DayArrangement* arrangement = calendar->ArrangementOn(day);
      if (arrangement == nullptr) continue;
      FUZZ_CHECK(calendar->IsWorkingDay(day) == (arrangement->kind == sla::DayKind::kWorkday), absl::FormatCivilTime(day));
    }
    const absl::Time start = absl::FromCivil(absl::CivilMinute(year, 1, 1, 10, 0), calendar->time_zone());
    for (absl::Duration amount : {absl::Minutes(90), absl::Hours(30)}) {
      auto due = calendar->AddWorkingTime(start, amount);
      FUZZ_CHECK(due.due > start, absl::StrCat(year));
      auto elapsed = calendar->WorkingTimeBetween(start, due.due);
      FUZZ_CHECK(elapsed.working == amount,
                 absl::StrCat(year, ": ", absl::FormatDuration(elapsed.working), " between start and due of ",
                              absl::FormatDuration(amount)));
      auto back = calendar->WorkingTimeBetween(due.due, start);
      FUZZ_CHECK(back.working == -amount, "antisymmetric");
    }
    auto days = calendar->AddWorkingDays(start, 5);
    FUZZ_CHECK(days.due > start, absl::StrCat(year));
    FUZZ_CHECK(calendar->WorkingTimeBetween(start, days.due).working >= 4 * calendar->WorkingTimePerDay(),
               absl::StrCat(year, ": five working days hold at least four days' working time"));
  }
  return 0;
}
