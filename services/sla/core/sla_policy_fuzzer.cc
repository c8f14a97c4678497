// Fuzz target for the SLA policy file (services/sla/README.md), edited by operators. Parsing never crashes; an
// accepted policy validates, covers all five categories, gives every stage's sign-off clock and every completion
// clock with strictly increasing warnings in (0, 100), names a working calendar that can be built, and its deadlines
// fall due no earlier than they start.

#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "fuzz/fuzz_check.h"
#include "services/sla/core/sla_policy.h"

namespace {

using gridcase::sla::ClockSpec;

void CheckClock(const absl::StatusOr<ClockSpec>& clock, const std::string& what) {
  FUZZ_CHECK(clock.ok(), what + ": " + clock.status().ToString());
  FUZZ_CHECK(clock->allowance >= absl::ZeroDuration() && clock->working_days >= 0, what);
  int previous = 0;
  for (int percent : clock->warning_percents) {
    FUZZ_CHECK(percent > previous && percent < 100, absl::StrCat(what, " warning ", percent));
    previous = percent;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sla = gridcase::sla;
  namespace v1 = gridcase::v1;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = sla::ParseSlaPolicy(text, "fuzz");
  if (!policy.ok()) {
    FUZZ_CHECK(policy.status().code() == absl::StatusCode::kInvalidArgument, policy.status().ToString());
    return 0;
  }
  FUZZ_CHECK(policy->Validate().ok(), policy->Validate().ToString());
  auto calendar = sla::WorkingCalendar::Create(policy->calendar);
  FUZZ_CHECK(calendar.ok(), calendar.status().ToString());
  const absl::Time start = absl::FromCivil(absl::CivilMinute(2026, 3, 2, 10, 0), calendar->time_zone());
  for (int c = v1::CATEGORY_SIMPLE; c <= v1::CATEGORY_CROSS_COUNTY; ++c) {
    auto category = static_cast<v1::Category>(c);
    FUZZ_CHECK(policy->ForCategory(category) != nullptr, absl::StrCat("category ", c));
    for (bool emergency : {false, true}) {
      std::string what = absl::StrCat("category ", c, emergency ? " emergency" : "");
      for (sla::Stage stage : sla::kAllStages) {
        auto sign_off = policy->SignOffClock(category, stage, emergency);
        CheckClock(sign_off, what + " sign-off " + std::string(sla::StageName(stage)));
        if (sign_off->basis == sla::ClockBasis::kWorkingTime) {
          FUZZ_CHECK(calendar->AddWorkingTime(start, sign_off->allowance).due >= start, what);
        }
      }
      auto completion = policy->CompletionClock(category, emergency);
      CheckClock(completion, what + " completion");
      if (completion->basis == sla::ClockBasis::kWorkingDays) {
        FUZZ_CHECK(calendar->AddWorkingDays(start, completion->working_days).due > start, what);
      }
      auto ladder = policy->Escalation(category, emergency);
      FUZZ_CHECK(ladder.ok(), ladder.status().ToString());
      const sla::EscalationRung* previous = nullptr;
      for (int percent = 0; percent <= 400; percent += 25) {
        const sla::EscalationRung* rung = sla::RungReached(*ladder, percent);
        if (previous != nullptr) FUZZ_CHECK(rung != nullptr && rung->at_percent >= previous->at_percent, what);
        previous = rung;
      }
    }
  }
  FUZZ_CHECK(policy->ForCategory(v1::CATEGORY_UNSPECIFIED) == nullptr, "unspecified category");
  return 0;
}
