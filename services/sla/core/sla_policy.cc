#include "services/sla/core/sla_policy.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/validation/field_error.h"
#include "nlohmann/json.hpp"

namespace gridcase::sla {
namespace {

using Json = nlohmann::json;

constexpr std::array<v1::Category, 5> kCategories = {v1::CATEGORY_SIMPLE, v1::CATEGORY_GENERAL, v1::CATEGORY_MAJOR,
                                                     v1::CATEGORY_DIFFICULT, v1::CATEGORY_CROSS_COUNTY};
constexpr int kMaxCompletionWorkingDays = 365;
constexpr absl::Duration kMaxSignOff = absl::Hours(1000);
constexpr absl::Duration kMaxEmergency = absl::Hours(24 * 7);
constexpr absl::Duration kMaxCalendarCompletion = absl::Hours(24 * 365);

using validation::FieldError;

std::string CategoryName(v1::Category category) {
  return std::string(absl::StripPrefix(v1::Category_Name(category), "CATEGORY_"));
}

// Short enum names in the policy file ("GRID" for LEVEL_GRID); UNSPECIFIED is never valid.
template <typename Enum, typename ParseFn>
absl::StatusOr<Enum> ParseShortName(const Json& value, absl::string_view field, absl::string_view prefix,
                                    ParseFn parse) {
  if (!value.is_string()) return FieldError(field, "must be a string");
  const std::string& name = value.get_ref<const std::string&>();
  Enum parsed{};
  if (name == "UNSPECIFIED" || !parse(absl::StrCat(prefix, name), &parsed)) {
    return FieldError(field, absl::StrCat("unknown value '", name, "'"));
  }
  return parsed;
}

absl::Status CheckKeys(const Json& object, absl::string_view field, std::initializer_list<absl::string_view> allowed) {
  if (!object.is_object()) return FieldError(field.empty() ? "(document)" : field, "must be an object");
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (absl::string_view name : allowed) known = known || key == name;
    if (!known) {
      return FieldError(absl::StrCat(field, field.empty() ? "" : ".", key),
                        absl::StrCat("unknown field (expected one of: ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<double> GetNumber(const Json& value, absl::string_view field) {
  if (!value.is_number()) return FieldError(field, "must be a number");
  return value.get<double>();
}

absl::StatusOr<int> GetInt(const Json& value, absl::string_view field) {
  if (!value.is_number_integer()) return FieldError(field, "must be an integer");
  const int64_t number = value.get<int64_t>();
  if (number < -1000000 || number > 1000000) return FieldError(field, "is out of range");
  return static_cast<int>(number);
}

absl::StatusOr<absl::Duration> GetDuration(const Json& value, absl::string_view field, absl::Duration unit) {
  absl::StatusOr<double> number = GetNumber(value, field);
  if (!number.ok()) return number.status();
  if (!std::isfinite(*number) || std::fabs(*number) > 1e6) return FieldError(field, "is out of range");
  return absl::Seconds(std::llround(*number * absl::ToDoubleSeconds(unit)));
}

absl::StatusOr<std::vector<int>> GetPercents(const Json& value, absl::string_view field) {
  if (!value.is_array()) return FieldError(field, "must be an array of integers");
  std::vector<int> percents;
  for (size_t i = 0; i < value.size(); ++i) {
    absl::StatusOr<int> percent = GetInt(value[i], absl::StrCat(field, "[", i, "]"));
    if (!percent.ok()) return percent.status();
    percents.push_back(*percent);
  }
  return percents;
}

absl::StatusOr<std::vector<EscalationRung>> GetLadder(const Json& value, absl::string_view field) {
  if (!value.is_array()) return FieldError(field, "must be an array of rungs");
  std::vector<EscalationRung> ladder;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string rung_field = absl::StrCat(field, "[", i, "]");
    const Json& item = value[i];
    if (absl::Status status = CheckKeys(item, rung_field, {"level", "at_percent", "notify"}); !status.ok()) {
      return status;
    }
    for (absl::string_view required : {"level", "at_percent", "notify"}) {
      if (!item.contains(required)) return FieldError(absl::StrCat(rung_field, ".", required), "missing");
    }
    EscalationRung rung;
    absl::StatusOr<v1::Level> level =
        ParseShortName<v1::Level>(item["level"], absl::StrCat(rung_field, ".level"), "LEVEL_", v1::Level_Parse);
    if (!level.ok()) return level.status();
    rung.level = *level;
    absl::StatusOr<int> at_percent = GetInt(item["at_percent"], absl::StrCat(rung_field, ".at_percent"));
    if (!at_percent.ok()) return at_percent.status();
    rung.at_percent = *at_percent;
    const Json& notify = item["notify"];
    const std::string notify_field = absl::StrCat(rung_field, ".notify");
    if (!notify.is_array()) return FieldError(notify_field, "must be an array of roles");
    for (size_t j = 0; j < notify.size(); ++j) {
      absl::StatusOr<v1::Role> role =
          ParseShortName<v1::Role>(notify[j], absl::StrCat(notify_field, "[", j, "]"), "ROLE_", v1::Role_Parse);
      if (!role.ok()) return role.status();
      rung.notify.push_back(*role);
    }
    ladder.push_back(std::move(rung));
  }
  return ladder;
}

absl::Status ValidatePercents(const std::vector<int>& percents, absl::string_view field) {
  int previous = 0;
  for (size_t i = 0; i < percents.size(); ++i) {
    if (percents[i] <= previous || percents[i] >= ClockAlarm::kBreachPercent) {
      return FieldError(absl::StrCat(field, "[", i, "]"),
                        absl::StrCat("must be within 1..99 and above the one before it, got ", percents[i]));
    }
    previous = percents[i];
  }
  return absl::OkStatus();
}

absl::Status ValidateLadder(const std::vector<EscalationRung>& ladder, absl::string_view field) {
  if (ladder.empty()) return FieldError(field, "needs at least one rung");
  for (size_t i = 0; i < ladder.size(); ++i) {
    const EscalationRung& rung = ladder[i];
    const std::string rung_field = absl::StrCat(field, "[", i, "]");
    if (rung.level != v1::LEVEL_GRID && rung.level != v1::LEVEL_COMMUNITY && rung.level != v1::LEVEL_TOWNSHIP &&
        rung.level != v1::LEVEL_COUNTY) {
      return FieldError(absl::StrCat(rung_field, ".level"), "must be GRID, COMMUNITY, TOWNSHIP or COUNTY");
    }
    if (rung.at_percent < 0 || rung.at_percent > 1000) {
      return FieldError(absl::StrCat(rung_field, ".at_percent"),
                        absl::StrCat("must be within 0..1000, got ", rung.at_percent));
    }
    if (i > 0 && rung.level <= ladder[i - 1].level) {
      return FieldError(absl::StrCat(rung_field, ".level"), "must be above the level of the rung before it");
    }
    if (i > 0 && rung.at_percent <= ladder[i - 1].at_percent) {
      return FieldError(absl::StrCat(rung_field, ".at_percent"), "must be above the percent of the rung before it");
    }
    if (rung.notify.empty()) return FieldError(absl::StrCat(rung_field, ".notify"), "must name at least one role");
    for (size_t j = 0; j < rung.notify.size(); ++j) {
      if (rung.notify[j] == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(rung.notify[j])) {
        return FieldError(absl::StrCat(rung_field, ".notify[", j, "]"), "is not a role");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePositive(absl::Duration value, absl::Duration max, absl::string_view field) {
  if (value <= absl::ZeroDuration() || value > max) {
    return FieldError(field, absl::StrCat("must be positive and at most ", absl::FormatDuration(max), ", got ",
                                          absl::FormatDuration(value)));
  }
  return absl::OkStatus();
}

absl::StatusOr<CategoryPolicy> ParseCategory(const Json& value, absl::string_view field,
                                             const std::vector<int>& default_warnings,
                                             const std::vector<EscalationRung>& default_ladder) {
  if (absl::Status status =
          CheckKeys(value, field,
                    {"sign_off_working_hours", "sign_off_working_hours_by_stage", "completion_working_days",
                     "sign_off_calendar_seconds", "completion_calendar_seconds", "warning_percents", "escalation"});
      !status.ok()) {
    return status;
  }
  // Each clock is given either on the working calendar or, for drills and tests, in calendar seconds.
  for (const auto& [working, calendar] :
       {std::pair<absl::string_view, absl::string_view>{"sign_off_working_hours", "sign_off_calendar_seconds"},
        {"completion_working_days", "completion_calendar_seconds"}}) {
    if (value.contains(working) && value.contains(calendar)) {
      return FieldError(absl::StrCat(field, ".", calendar), absl::StrCat("conflicts with ", working, ": give one"));
    }
    if (!value.contains(working) && !value.contains(calendar)) {
      return FieldError(absl::StrCat(field, ".", working), "missing");
    }
  }
  if (value.contains("sign_off_calendar_seconds") && value.contains("sign_off_working_hours_by_stage")) {
    return FieldError(absl::StrCat(field, ".sign_off_working_hours_by_stage"),
                      "conflicts with sign_off_calendar_seconds, which applies to every stage");
  }
  CategoryPolicy policy;
  if (value.contains("sign_off_calendar_seconds")) {
    absl::StatusOr<absl::Duration> seconds = GetDuration(
        value["sign_off_calendar_seconds"], absl::StrCat(field, ".sign_off_calendar_seconds"), absl::Seconds(1));
    if (!seconds.ok()) return seconds.status();
    policy.sign_off_calendar = *seconds;
    if (policy.sign_off_calendar <= absl::ZeroDuration()) {
      return FieldError(absl::StrCat(field, ".sign_off_calendar_seconds"), "must be at least one second");
    }
  } else {
    absl::StatusOr<absl::Duration> sign_off =
        GetDuration(value["sign_off_working_hours"], absl::StrCat(field, ".sign_off_working_hours"), absl::Hours(1));
    if (!sign_off.ok()) return sign_off.status();
    policy.sign_off = *sign_off;
  }
  if (value.contains("sign_off_working_hours_by_stage")) {
    const std::string by_stage_field = absl::StrCat(field, ".sign_off_working_hours_by_stage");
    const Json& by_stage = value["sign_off_working_hours_by_stage"];
    if (!by_stage.is_object()) return FieldError(by_stage_field, "must be an object");
    for (const auto& [name, hours] : by_stage.items()) {
      const std::string stage_field = absl::StrCat(by_stage_field, ".", name);
      const Stage* stage = nullptr;
      for (const Stage& candidate : kAllStages) {
        if (StageName(candidate) == name) stage = &candidate;
      }
      if (stage == nullptr) {
        return FieldError(stage_field,
                          "unknown stage (expected GRID_VERIFICATION, COMMUNITY, TOWNSHIP_DISPATCH or DEPARTMENT)");
      }
      absl::StatusOr<absl::Duration> duration = GetDuration(hours, stage_field, absl::Hours(1));
      if (!duration.ok()) return duration.status();
      policy.sign_off_by_stage[*stage] = *duration;
    }
  }
  if (value.contains("completion_calendar_seconds")) {
    absl::StatusOr<absl::Duration> seconds = GetDuration(
        value["completion_calendar_seconds"], absl::StrCat(field, ".completion_calendar_seconds"), absl::Seconds(1));
    if (!seconds.ok()) return seconds.status();
    policy.completion_calendar = *seconds;
    if (policy.completion_calendar <= absl::ZeroDuration()) {
      return FieldError(absl::StrCat(field, ".completion_calendar_seconds"), "must be at least one second");
    }
  } else {
    absl::StatusOr<int> days =
        GetInt(value["completion_working_days"], absl::StrCat(field, ".completion_working_days"));
    if (!days.ok()) return days.status();
    policy.completion_working_days = *days;
  }
  policy.warning_percents = default_warnings;
  if (value.contains("warning_percents")) {
    absl::StatusOr<std::vector<int>> percents =
        GetPercents(value["warning_percents"], absl::StrCat(field, ".warning_percents"));
    if (!percents.ok()) return percents.status();
    policy.warning_percents = *std::move(percents);
  }
  policy.escalation = default_ladder;
  if (value.contains("escalation")) {
    absl::StatusOr<std::vector<EscalationRung>> ladder =
        GetLadder(value["escalation"], absl::StrCat(field, ".escalation"));
    if (!ladder.ok()) return ladder.status();
    policy.escalation = *std::move(ladder);
  }
  return policy;
}

absl::StatusOr<SlaPolicy> ParseDocument(const Json& root) {
  if (absl::Status status =
          CheckKeys(root, "", {"calendar", "warning_percents", "escalation", "categories", "emergency"});
      !status.ok()) {
    return status;
  }
  for (absl::string_view required : {"warning_percents", "escalation", "categories", "emergency"}) {
    if (!root.contains(required)) return FieldError(required, "missing");
  }
  SlaPolicy policy;

  if (root.contains("calendar")) {
    const Json& calendar = root["calendar"];
    if (absl::Status status = CheckKeys(calendar, "calendar", {"time_zone", "working_hours"}); !status.ok()) {
      return status;
    }
    if (calendar.contains("time_zone")) {
      if (!calendar["time_zone"].is_string()) return FieldError("calendar.time_zone", "must be a string");
      policy.calendar.time_zone = calendar["time_zone"].get<std::string>();
    }
    if (calendar.contains("working_hours")) {
      const Json& hours = calendar["working_hours"];
      if (!hours.is_array()) return FieldError("calendar.working_hours", "must be an array of \"HH:MM-HH:MM\"");
      policy.calendar.working_hours.clear();
      for (size_t i = 0; i < hours.size(); ++i) {
        const std::string field = absl::StrCat("calendar.working_hours[", i, "]");
        if (!hours[i].is_string()) return FieldError(field, "must be a string \"HH:MM-HH:MM\"");
        absl::StatusOr<WorkingPeriod> period = ParseWorkingPeriod(hours[i].get<std::string>());
        if (!period.ok()) return FieldError(field, period.status().message());
        policy.calendar.working_hours.push_back(*period);
      }
    }
  }

  absl::StatusOr<std::vector<int>> warnings = GetPercents(root["warning_percents"], "warning_percents");
  if (!warnings.ok()) return warnings.status();
  if (absl::Status status = ValidatePercents(*warnings, "warning_percents"); !status.ok()) return status;
  absl::StatusOr<std::vector<EscalationRung>> ladder = GetLadder(root["escalation"], "escalation");
  if (!ladder.ok()) return ladder.status();
  if (absl::Status status = ValidateLadder(*ladder, "escalation"); !status.ok()) return status;

  const Json& categories = root["categories"];
  if (!categories.is_object()) return FieldError("categories", "must be an object keyed by category");
  for (const auto& [name, value] : categories.items()) {
    const std::string field = absl::StrCat("categories.", name);
    v1::Category category{};
    if (name == "UNSPECIFIED" || !v1::Category_Parse(absl::StrCat("CATEGORY_", name), &category)) {
      return FieldError(field, "unknown category (expected SIMPLE, GENERAL, MAJOR, DIFFICULT or CROSS_COUNTY)");
    }
    absl::StatusOr<CategoryPolicy> category_policy = ParseCategory(value, field, *warnings, *ladder);
    if (!category_policy.ok()) return category_policy.status();
    policy.categories[category] = *std::move(category_policy);
  }

  const Json& emergency = root["emergency"];
  if (absl::Status status = CheckKeys(emergency, "emergency",
                                      {"sign_off_minutes", "completion_minutes", "warning_percents", "escalation"});
      !status.ok()) {
    return status;
  }
  for (absl::string_view required : {"sign_off_minutes", "completion_minutes"}) {
    if (!emergency.contains(required)) return FieldError(absl::StrCat("emergency.", required), "missing");
  }
  absl::StatusOr<absl::Duration> sign_off =
      GetDuration(emergency["sign_off_minutes"], "emergency.sign_off_minutes", absl::Minutes(1));
  if (!sign_off.ok()) return sign_off.status();
  policy.emergency.sign_off = *sign_off;
  absl::StatusOr<absl::Duration> completion =
      GetDuration(emergency["completion_minutes"], "emergency.completion_minutes", absl::Minutes(1));
  if (!completion.ok()) return completion.status();
  policy.emergency.completion = *completion;
  policy.emergency.warning_percents = *warnings;
  if (emergency.contains("warning_percents")) {
    absl::StatusOr<std::vector<int>> percents =
        GetPercents(emergency["warning_percents"], "emergency.warning_percents");
    if (!percents.ok()) return percents.status();
    policy.emergency.warning_percents = *std::move(percents);
  }
  policy.emergency.escalation = *ladder;
  if (emergency.contains("escalation")) {
    absl::StatusOr<std::vector<EscalationRung>> emergency_ladder =
        GetLadder(emergency["escalation"], "emergency.escalation");
    if (!emergency_ladder.ok()) return emergency_ladder.status();
    policy.emergency.escalation = *std::move(emergency_ladder);
  }
  return policy;
}

}  // namespace

absl::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kGridVerification:
      return "GRID_VERIFICATION";
    case Stage::kCommunity:
      return "COMMUNITY";
    case Stage::kTownshipDispatch:
      return "TOWNSHIP_DISPATCH";
    case Stage::kDepartment:
      return "DEPARTMENT";
  }
  return "UNKNOWN";
}

const EscalationRung* RungReached(absl::Span<const EscalationRung> ladder, int percent) {
  const EscalationRung* reached = nullptr;
  for (const EscalationRung& rung : ladder) {
    if (rung.at_percent <= percent) reached = &rung;
  }
  return reached;
}

absl::Duration CategoryPolicy::SignOffFor(Stage stage) const {
  auto it = sign_off_by_stage.find(stage);
  return it == sign_off_by_stage.end() ? sign_off : it->second;
}

const CategoryPolicy* SlaPolicy::ForCategory(v1::Category category) const {
  auto it = categories.find(category);
  return it == categories.end() ? nullptr : &it->second;
}

absl::StatusOr<ClockSpec> SlaPolicy::SignOffClock(v1::Category category, Stage stage, bool is_emergency) const {
  ClockSpec spec;
  if (is_emergency) {
    spec = ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, emergency.sign_off);
    spec.warning_percents = emergency.warning_percents;
    return spec;
  }
  const CategoryPolicy* policy = ForCategory(category);
  if (policy == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no SLA policy for category ", v1::Category_Name(category)));
  }
  spec = policy->sign_off_calendar > absl::ZeroDuration()
             ? ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, policy->sign_off_calendar)
             : ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, policy->SignOffFor(stage));
  spec.warning_percents = policy->warning_percents;
  return spec;
}

absl::StatusOr<ClockSpec> SlaPolicy::CompletionClock(v1::Category category, bool is_emergency) const {
  ClockSpec spec;
  if (is_emergency) {
    spec = ClockSpec::CalendarTime(v1::CLOCK_KIND_COMPLETION, emergency.completion);
    spec.warning_percents = emergency.warning_percents;
    return spec;
  }
  const CategoryPolicy* policy = ForCategory(category);
  if (policy == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no SLA policy for category ", v1::Category_Name(category)));
  }
  spec = policy->completion_calendar > absl::ZeroDuration()
             ? ClockSpec::CalendarTime(v1::CLOCK_KIND_COMPLETION, policy->completion_calendar)
             : ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, policy->completion_working_days);
  spec.warning_percents = policy->warning_percents;
  return spec;
}

absl::StatusOr<absl::Span<const EscalationRung>> SlaPolicy::Escalation(v1::Category category, bool is_emergency) const {
  if (is_emergency) return absl::MakeConstSpan(emergency.escalation);
  const CategoryPolicy* policy = ForCategory(category);
  if (policy == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("no SLA policy for category ", v1::Category_Name(category)));
  }
  return absl::MakeConstSpan(policy->escalation);
}

absl::Status SlaPolicy::Validate() const {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(calendar.time_zone, &zone)) {
    return FieldError("calendar.time_zone", absl::StrCat("'", calendar.time_zone, "' could not be loaded"));
  }
  if (absl::Status status = ValidateWorkingHours(calendar.working_hours); !status.ok()) {
    return FieldError("calendar.working_hours", status.message());
  }
  for (const auto& [category, policy] : categories) {
    if (category == v1::CATEGORY_UNSPECIFIED || !v1::Category_IsValid(category)) {
      return FieldError("categories", absl::StrCat("unknown category ", static_cast<int>(category)));
    }
  }
  for (v1::Category category : kCategories) {
    const std::string field = absl::StrCat("categories.", CategoryName(category));
    const CategoryPolicy* policy = ForCategory(category);
    if (policy == nullptr) return FieldError(field, "missing (every category needs a policy)");
    if (policy->sign_off_calendar != absl::ZeroDuration()) {
      if (absl::Status status = ValidatePositive(policy->sign_off_calendar, kMaxEmergency,
                                                 absl::StrCat(field, ".sign_off_calendar_seconds"));
          !status.ok()) {
        return status;
      }
      if (policy->sign_off != absl::ZeroDuration() || !policy->sign_off_by_stage.empty()) {
        return FieldError(absl::StrCat(field, ".sign_off_calendar_seconds"),
                          "conflicts with the working-hours sign-off: give one");
      }
    } else {
      if (absl::Status status =
              ValidatePositive(policy->sign_off, kMaxSignOff, absl::StrCat(field, ".sign_off_working_hours"));
          !status.ok()) {
        return status;
      }
      for (const auto& [stage, sign_off] : policy->sign_off_by_stage) {
        if (absl::Status status = ValidatePositive(
                sign_off, kMaxSignOff, absl::StrCat(field, ".sign_off_working_hours_by_stage.", StageName(stage)));
            !status.ok()) {
          return status;
        }
      }
    }
    if (policy->completion_calendar != absl::ZeroDuration()) {
      if (absl::Status status = ValidatePositive(policy->completion_calendar, kMaxCalendarCompletion,
                                                 absl::StrCat(field, ".completion_calendar_seconds"));
          !status.ok()) {
        return status;
      }
      if (policy->completion_working_days != 0) {
        return FieldError(absl::StrCat(field, ".completion_calendar_seconds"),
                          "conflicts with completion_working_days: give one");
      }
    } else if (policy->completion_working_days <= 0 || policy->completion_working_days > kMaxCompletionWorkingDays) {
      return FieldError(
          absl::StrCat(field, ".completion_working_days"),
          absl::StrCat("must be within 1..", kMaxCompletionWorkingDays, ", got ", policy->completion_working_days));
    }
    if (absl::Status status = ValidatePercents(policy->warning_percents, absl::StrCat(field, ".warning_percents"));
        !status.ok()) {
      return status;
    }
    if (absl::Status status = ValidateLadder(policy->escalation, absl::StrCat(field, ".escalation")); !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = ValidatePositive(emergency.sign_off, kMaxEmergency, "emergency.sign_off_minutes");
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidatePositive(emergency.completion, kMaxEmergency, "emergency.completion_minutes");
      !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidatePercents(emergency.warning_percents, "emergency.warning_percents"); !status.ok()) {
    return status;
  }
  return ValidateLadder(emergency.escalation, "emergency.escalation");
}

SlaPolicy DefaultSlaPolicy() {
  SlaPolicy policy;
  const std::vector<int> warnings = {50, 75};
  const std::vector<EscalationRung> ladder = {
      {v1::LEVEL_GRID, 0, {v1::ROLE_GRID_WORKER}},
      {v1::LEVEL_COMMUNITY, 75, {v1::ROLE_COMMUNITY}},
      {v1::LEVEL_TOWNSHIP, 100, {v1::ROLE_TOWNSHIP_DISPATCHER, v1::ROLE_SUPERVISOR}},
      {v1::LEVEL_COUNTY, 200, {v1::ROLE_SUPERVISOR}},
  };
  const std::map<Stage, absl::Duration> grid_verification_2h = {{Stage::kGridVerification, absl::Hours(2)}};
  policy.categories[v1::CATEGORY_SIMPLE] = {absl::Hours(2), {}, 1, warnings, ladder};
  policy.categories[v1::CATEGORY_GENERAL] = {absl::Hours(4), grid_verification_2h, 3, warnings, ladder};
  policy.categories[v1::CATEGORY_MAJOR] = {absl::Hours(4), grid_verification_2h, 5, warnings, ladder};
  policy.categories[v1::CATEGORY_DIFFICULT] = {absl::Hours(4), grid_verification_2h, 15, warnings, ladder};
  policy.categories[v1::CATEGORY_CROSS_COUNTY] = {
      absl::Hours(4),
      grid_verification_2h,
      15,
      warnings,
      {{v1::LEVEL_TOWNSHIP, 0, {v1::ROLE_TOWNSHIP_DISPATCHER}}, {v1::LEVEL_COUNTY, 75, {v1::ROLE_SUPERVISOR}}}};
  policy.emergency = {absl::Minutes(10),
                      absl::Minutes(240),
                      warnings,
                      {{v1::LEVEL_TOWNSHIP, 0, {v1::ROLE_TOWNSHIP_DISPATCHER, v1::ROLE_GRID_WORKER}},
                       {v1::LEVEL_COUNTY, 100, {v1::ROLE_SUPERVISOR}}}};
  return policy;
}

absl::StatusOr<SlaPolicy> ParseSlaPolicy(absl::string_view json_text, absl::string_view source) {
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON: ", e.what()));
  }
  absl::StatusOr<SlaPolicy> policy = ParseDocument(root);
  if (!policy.ok()) return absl::InvalidArgumentError(absl::StrCat(source, ": ", policy.status().message()));
  if (absl::Status status = policy->Validate(); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", status.message()));
  }
  return policy;
}

absl::StatusOr<SlaPolicy> LoadSlaPolicy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("SLA policy ", path, ": cannot open: ", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("SLA policy ", path, ": read failed"));
  return ParseSlaPolicy(text.str(), path);
}

}  // namespace gridcase::sla
