#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gridcase/v1/case.pb.h"
#include "services/sla/core/clock.h"
#include "services/sla/core/working_calendar.h"

namespace gridcase::sla {

// A stage of the 六单联办 chain at which the unit now holding the case must sign off (接单) within the sign-off clock.
enum class Stage {
  kGridVerification,  // 网格核单
  kCommunity,         // 村/社区下单
  kTownshipDispatch,  // 乡镇/街道派单
  kDepartment,        // 部门接单
};
inline constexpr std::array<Stage, 4> kAllStages = {Stage::kGridVerification, Stage::kCommunity,
                                                    Stage::kTownshipDispatch, Stage::kDepartment};
// "GRID_VERIFICATION", "COMMUNITY", "TOWNSHIP_DISPATCH", "DEPARTMENT": the names used in the policy file.
absl::string_view StageName(Stage stage);

// 提级: one rung of the escalation ladder. The rung is reached when the completion clock has counted `at_percent` of
// its allowance (0: from the start; above 100: that far overdue); the case is then brought to `level`'s attention
// and `notify` are told.
struct EscalationRung {
  v1::Level level = v1::LEVEL_UNSPECIFIED;  // GRID, COMMUNITY, TOWNSHIP or COUNTY.
  int at_percent = 0;
  std::vector<v1::Role> notify;

  friend bool operator==(const EscalationRung& a, const EscalationRung& b) = default;
};

// The highest rung of `ladder` reached at `percent` of the allowance, or nullptr below the first rung.
const EscalationRung* RungReached(absl::Span<const EscalationRung> ladder, int percent);

// Deadlines for one case category (working calendar).
//
// Drills and tests may instead give a clock in calendar seconds (`sign_off_calendar_seconds`,
// `completion_calendar_seconds` in the policy file): a non-zero `sign_off_calendar` / `completion_calendar` replaces
// the working-time sign-off (all stages) / the working-days completion with a calendar-time clock of that length.
struct CategoryPolicy {
  absl::Duration sign_off = absl::ZeroDuration();  // Working time, for every stage without an override.
  std::map<Stage, absl::Duration> sign_off_by_stage;
  int completion_working_days = 0;
  std::vector<int> warning_percents;
  std::vector<EscalationRung> escalation;
  absl::Duration sign_off_calendar = absl::ZeroDuration();
  absl::Duration completion_calendar = absl::ZeroDuration();

  absl::Duration SignOffFor(Stage stage) const;

  friend bool operator==(const CategoryPolicy& a, const CategoryPolicy& b) = default;
};

// 平急结合: emergency cases run on wall-clock minutes whatever their category, nights and holidays included.
struct EmergencyPolicy {
  absl::Duration sign_off = absl::ZeroDuration();
  absl::Duration completion = absl::ZeroDuration();
  std::vector<int> warning_percents;
  std::vector<EscalationRung> escalation;

  friend bool operator==(const EmergencyPolicy& a, const EmergencyPolicy& b) = default;
};

// 限时办结 policy: the deadlines, warnings and escalation ladder per case category, and the working hours of the
// calendar they run on. Loaded once at start-up; immutable and safe to share afterwards.
struct SlaPolicy {
  CalendarOptions calendar;
  std::map<v1::Category, CategoryPolicy> categories;  // All five categories.
  EmergencyPolicy emergency;

  // The policy for `category`, or nullptr for CATEGORY_UNSPECIFIED or an unknown value.
  const CategoryPolicy* ForCategory(v1::Category category) const;
  // The sign-off (接单) clock for the unit holding a case at `stage`: working time for the category, or the
  // emergency minutes (any category) when `emergency`.
  absl::StatusOr<ClockSpec> SignOffClock(v1::Category category, Stage stage, bool emergency) const;
  // The completion (办结) clock: working days for the category, or the emergency minutes when `emergency`.
  absl::StatusOr<ClockSpec> CompletionClock(v1::Category category, bool emergency) const;
  absl::StatusOr<absl::Span<const EscalationRung>> Escalation(v1::Category category, bool emergency) const;

  // INVALID_ARGUMENT naming the first offending field, in the policy file's terms (e.g.
  // "categories.GENERAL.completion_working_days").
  absl::Status Validate() const;

  friend bool operator==(const SlaPolicy& a, const SlaPolicy& b) = default;
};

// The built-in defaults, identical to services/sla/sla-policy.json:
// - sign-off (接单) within 2 working hours for simple cases, 4 for the others, grid verification (核单) within 2;
// - completion (办结) within 1 / 3 / 5 / 15 / 15 working days for simple / general / major / difficult /
//   cross-county cases;
// - emergency: sign-off within 10 minutes, completion within 240 minutes, calendar time;
// - warnings at 50% and 75%; escalation grid → community at 75% → township at breach → county at 200%
//   (cross-county cases start at the township and reach the county at 75%).
SlaPolicy DefaultSlaPolicy();

// Parses and validates a policy file (JSON; see services/sla/README.md). `source` names the text in errors.
absl::StatusOr<SlaPolicy> ParseSlaPolicy(absl::string_view json_text, absl::string_view source = "<policy>");
absl::StatusOr<SlaPolicy> LoadSlaPolicy(const std::string& path);

}  // namespace gridcase::sla
