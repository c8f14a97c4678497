#include "services/sla/core/sla_policy.h"

#include <functional>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/sla/core/test_util.h"

namespace gridcase::sla {
namespace {

using ::gridcase::sla::testing::Beijing;
using ::gridcase::sla::testing::Calendar2026;
using ::gridcase::sla::testing::HasSubstr;

std::string ShippedPolicyFile() { return testing::SourceDir() + "/services/sla/sla-policy.json"; }

nlohmann::json ShippedPolicyJson() { return nlohmann::json::parse(testing::ReadFileOrDie(ShippedPolicyFile())); }

// The error from loading the shipped policy after `edit`.
std::string ErrorAfter(const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json json = ShippedPolicyJson();
  edit(json);
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(json.dump(), "edited.json");
  if (policy.ok()) return "<ok>";
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(policy.status().message());
}

TEST(SlaPolicyTest, DefaultsAreValid) { EXPECT_TRUE(DefaultSlaPolicy().Validate().ok()); }

TEST(SlaPolicyTest, ShippedFileEqualsTheDefaults) {
  absl::StatusOr<SlaPolicy> loaded = LoadSlaPolicy(ShippedPolicyFile());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(*loaded == DefaultSlaPolicy());
}

TEST(SlaPolicyTest, DefaultDeadlines) {
  const SlaPolicy policy = DefaultSlaPolicy();
  EXPECT_EQ(policy.calendar.time_zone, "Asia/Shanghai");
  EXPECT_EQ(policy.calendar.working_hours, DefaultWorkingHours());

  struct Expected {
    v1::Category category;
    absl::Duration sign_off;
    int completion_days;
  };
  for (const Expected& expected :
       {Expected{v1::CATEGORY_SIMPLE, absl::Hours(2), 1}, Expected{v1::CATEGORY_GENERAL, absl::Hours(4), 3},
        Expected{v1::CATEGORY_MAJOR, absl::Hours(4), 5}, Expected{v1::CATEGORY_DIFFICULT, absl::Hours(4), 15},
        Expected{v1::CATEGORY_CROSS_COUNTY, absl::Hours(4), 15}}) {
    SCOPED_TRACE(v1::Category_Name(expected.category));
    absl::StatusOr<ClockSpec> sign_off = policy.SignOffClock(expected.category, Stage::kDepartment, false);
    ASSERT_TRUE(sign_off.ok()) << sign_off.status();
    EXPECT_EQ(*sign_off, ClockSpec::WorkingTime(v1::CLOCK_KIND_SIGN_OFF, expected.sign_off));
    // Grid verification (核单) is within 2 working hours for every category.
    EXPECT_EQ(policy.SignOffClock(expected.category, Stage::kGridVerification, false)->allowance, absl::Hours(2));
    absl::StatusOr<ClockSpec> completion = policy.CompletionClock(expected.category, false);
    ASSERT_TRUE(completion.ok()) << completion.status();
    EXPECT_EQ(*completion, ClockSpec::WorkingDays(v1::CLOCK_KIND_COMPLETION, expected.completion_days));
    EXPECT_TRUE(Clock::Create(*completion).ok());
  }

  // Emergencies: minutes of calendar time whatever the category, even an unclassified one.
  for (v1::Category category : {v1::CATEGORY_UNSPECIFIED, v1::CATEGORY_SIMPLE, v1::CATEGORY_DIFFICULT}) {
    EXPECT_EQ(*policy.SignOffClock(category, Stage::kTownshipDispatch, true),
              ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, absl::Minutes(10)));
    EXPECT_EQ(*policy.CompletionClock(category, true),
              ClockSpec::CalendarTime(v1::CLOCK_KIND_COMPLETION, absl::Minutes(240)));
  }

  EXPECT_EQ(policy.SignOffClock(v1::CATEGORY_UNSPECIFIED, Stage::kDepartment, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.CompletionClock(static_cast<v1::Category>(42), false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.ForCategory(v1::CATEGORY_UNSPECIFIED), nullptr);
}

TEST(SlaPolicyTest, EscalationLadder) {
  const SlaPolicy policy = DefaultSlaPolicy();
  absl::StatusOr<absl::Span<const EscalationRung>> ladder = policy.Escalation(v1::CATEGORY_GENERAL, false);
  ASSERT_TRUE(ladder.ok());
  ASSERT_EQ(ladder->size(), 4u);
  EXPECT_EQ(RungReached(*ladder, -1), nullptr);
  EXPECT_EQ(RungReached(*ladder, 0)->level, v1::LEVEL_GRID);
  EXPECT_EQ(RungReached(*ladder, 74)->level, v1::LEVEL_GRID);
  EXPECT_EQ(RungReached(*ladder, 75)->level, v1::LEVEL_COMMUNITY);
  EXPECT_EQ(RungReached(*ladder, 100)->level, v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(RungReached(*ladder, 100)->notify,
            (std::vector<v1::Role>{v1::ROLE_TOWNSHIP_DISPATCHER, v1::ROLE_SUPERVISOR}));
  EXPECT_EQ(RungReached(*ladder, 199)->level, v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(RungReached(*ladder, 250)->level, v1::LEVEL_COUNTY);

  absl::StatusOr<absl::Span<const EscalationRung>> cross = policy.Escalation(v1::CATEGORY_CROSS_COUNTY, false);
  ASSERT_TRUE(cross.ok());
  EXPECT_EQ(RungReached(*cross, 0)->level, v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(RungReached(*cross, 80)->level, v1::LEVEL_COUNTY);

  absl::StatusOr<absl::Span<const EscalationRung>> emergency = policy.Escalation(v1::CATEGORY_UNSPECIFIED, true);
  ASSERT_TRUE(emergency.ok());
  EXPECT_EQ(RungReached(*emergency, 0)->level, v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(RungReached(*emergency, 100)->level, v1::LEVEL_COUNTY);
  EXPECT_FALSE(policy.Escalation(v1::CATEGORY_UNSPECIFIED, false).ok());
}

TEST(SlaPolicyTest, GeneralCaseBeforeSpringFestivalEndToEnd) {
  const SlaPolicy policy = DefaultSlaPolicy();
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::FromFile(testing::ShippedHolidayFile(), policy.calendar);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  const absl::Time received = Beijing(2026, 2, 13, 18, 0);  // Friday evening.

  absl::StatusOr<Clock> verify = Clock::Create(*policy.SignOffClock(v1::CATEGORY_GENERAL, Stage::kGridVerification,
                                                                    /*emergency=*/false));
  ASSERT_TRUE(verify.ok());
  ASSERT_TRUE(verify->Start(received).ok());
  EXPECT_EQ(verify->ReadAt(*calendar, received).due, Beijing(2026, 2, 14, 11, 0));  // Make-up Saturday.

  absl::StatusOr<Clock> completion = Clock::Create(*policy.CompletionClock(v1::CATEGORY_GENERAL, false));
  ASSERT_TRUE(completion.ok());
  ASSERT_TRUE(completion->Start(received).ok());
  // Day 0 is Saturday 14; then 24, 25, 26 February after the holiday.
  EXPECT_EQ(completion->ReadAt(*calendar, received).due, Beijing(2026, 2, 26, 17, 30));
  // The county rung (200%) of a 4-day allowance (28 h) falls 56 h after the counting start: eight working days, 14,
  // 24–28 February, 2 and 3 March.
  const int county_percent = RungReached(*policy.Escalation(v1::CATEGORY_GENERAL, false), 1000)->at_percent;
  EXPECT_EQ(completion->AlarmAt(*calendar, county_percent).at, Beijing(2026, 3, 3, 17, 30));
}

TEST(SlaPolicyTest, OverridesAndFractionalHours) {
  nlohmann::json json = ShippedPolicyJson();
  json["categories"]["SIMPLE"]["sign_off_working_hours"] = 1.5;
  json["categories"]["SIMPLE"]["sign_off_working_hours_by_stage"] = {{"DEPARTMENT", 0.25}};
  json["categories"]["SIMPLE"]["warning_percents"] = {60, 90};
  json["emergency"]["warning_percents"] = {80};
  json["calendar"]["working_hours"] = {"08:30-12:00", "14:00-18:00"};
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(json.dump());
  ASSERT_TRUE(policy.ok()) << policy.status();
  const CategoryPolicy* simple = policy->ForCategory(v1::CATEGORY_SIMPLE);
  ASSERT_NE(simple, nullptr);
  EXPECT_EQ(simple->SignOffFor(Stage::kCommunity), absl::Minutes(90));
  EXPECT_EQ(simple->SignOffFor(Stage::kDepartment), absl::Minutes(15));
  EXPECT_EQ(policy->CompletionClock(v1::CATEGORY_SIMPLE, false)->warning_percents, (std::vector<int>{60, 90}));
  EXPECT_EQ(policy->CompletionClock(v1::CATEGORY_GENERAL, false)->warning_percents, (std::vector<int>{50, 75}));
  EXPECT_EQ(policy->SignOffClock(v1::CATEGORY_GENERAL, Stage::kCommunity, true)->warning_percents,
            (std::vector<int>{80}));
  EXPECT_EQ(policy->calendar.working_hours[1], *ParseWorkingPeriod("14:00-18:00"));

  // Optional parts may be left out: the calendar defaults, and per-category ladders and warnings inherit.
  json = ShippedPolicyJson();
  json.erase("calendar");
  json["categories"]["CROSS_COUNTY"].erase("escalation");
  json["emergency"].erase("escalation");
  policy = ParseSlaPolicy(json.dump());
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->calendar, CalendarOptions());
  EXPECT_EQ(policy->ForCategory(v1::CATEGORY_CROSS_COUNTY)->escalation,
            policy->ForCategory(v1::CATEGORY_GENERAL)->escalation);
  EXPECT_EQ(policy->emergency.escalation.size(), 4u);
}

TEST(SlaPolicyTest, CategoryClocksInCalendarSecondsForDrillsAndTests) {
  using Json = nlohmann::json;
  Json json = ShippedPolicyJson();
  json["categories"]["GENERAL"] = {{"sign_off_calendar_seconds", 30}, {"completion_calendar_seconds", 20.4}};
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(json.dump(), "short.json");
  ASSERT_TRUE(policy.ok()) << policy.status();
  absl::StatusOr<ClockSpec> completion = policy->CompletionClock(v1::CATEGORY_GENERAL, false);
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(*completion, ClockSpec::CalendarTime(v1::CLOCK_KIND_COMPLETION, absl::Seconds(20)));
  for (Stage stage : kAllStages) {
    EXPECT_EQ(*policy->SignOffClock(v1::CATEGORY_GENERAL, stage, false),
              ClockSpec::CalendarTime(v1::CLOCK_KIND_SIGN_OFF, absl::Seconds(30)));
  }
  // Other categories keep the working calendar; emergency keeps its minutes.
  EXPECT_EQ(policy->CompletionClock(v1::CATEGORY_MAJOR, false)->basis, ClockBasis::kWorkingDays);
  EXPECT_EQ(policy->CompletionClock(v1::CATEGORY_GENERAL, true)->allowance, absl::Minutes(240));

  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["SIMPLE"]["completion_calendar_seconds"] = 60; }),
                        "categories.SIMPLE.completion_calendar_seconds: conflicts with completion_working_days"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["SIMPLE"]["sign_off_calendar_seconds"] = 60; }),
                        "categories.SIMPLE.sign_off_calendar_seconds: conflicts with sign_off_working_hours"));
  EXPECT_TRUE(
      HasSubstr(ErrorAfter([](Json& j) {
                  j["categories"]["GENERAL"].erase("sign_off_working_hours");
                  j["categories"]["GENERAL"]["sign_off_calendar_seconds"] = 60;
                }),
                "categories.GENERAL.sign_off_working_hours_by_stage: conflicts with sign_off_calendar_seconds"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["categories"]["SIMPLE"].erase("completion_working_days");
                          j["categories"]["SIMPLE"]["completion_calendar_seconds"] = 0.2;
                        }),
                        "categories.SIMPLE.completion_calendar_seconds: must be at least one second"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["categories"]["SIMPLE"].erase("completion_working_days");
                          j["categories"]["SIMPLE"]["completion_calendar_seconds"] = "soon";
                        }),
                        "categories.SIMPLE.completion_calendar_seconds: must be a number"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["categories"]["SIMPLE"].erase("sign_off_working_hours");
                          j["categories"]["SIMPLE"]["sign_off_calendar_seconds"] = 8 * 24 * 3600;
                        }),
                        "categories.SIMPLE.sign_off_calendar_seconds: must be positive and at most"));
  SlaPolicy both = DefaultSlaPolicy();
  both.categories[v1::CATEGORY_SIMPLE].completion_calendar = absl::Seconds(5);
  EXPECT_TRUE(HasSubstr(both.Validate().message(),
                        "categories.SIMPLE.completion_calendar_seconds: conflicts with completion_working_days"));
}

TEST(SlaPolicyTest, ValidationErrorsNameTheField) {
  using Json = nlohmann::json;
  EXPECT_EQ(ErrorAfter([](Json&) {}), "<ok>");
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["GENERAL"]["completion_working_days"] = 0; }),
                        "edited.json: categories.GENERAL.completion_working_days: must be within 1..365, got 0"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["GENERAL"]["completion_working_days"] = "three"; }),
                        "categories.GENERAL.completion_working_days: must be an integer"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["MAJOR"]["completion_working_days"] = 2.5; }),
                        "categories.MAJOR.completion_working_days: must be an integer"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"].erase("MAJOR"); }), "categories.MAJOR: missing"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["SIMPLE"].erase("sign_off_working_hours"); }),
                        "categories.SIMPLE.sign_off_working_hours: missing"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["SIMPLE"]["completion_days"] = 1; }),
                        "categories.SIMPLE.completion_days: unknown field"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["HUGE"] = j["categories"]["MAJOR"]; }),
                        "categories.HUGE: unknown category"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["categories"]["SIMPLE"]["sign_off_working_hours"] = -2; }),
                        "categories.SIMPLE.sign_off_working_hours: must be positive"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["categories"]["GENERAL"]["sign_off_working_hours_by_stage"] = {{"LUNCH", 1}};
                        }),
                        "categories.GENERAL.sign_off_working_hours_by_stage.LUNCH: unknown stage"));
  EXPECT_TRUE(HasSubstr(
      ErrorAfter([](Json& j) { j["categories"]["GENERAL"]["sign_off_working_hours_by_stage"]["DEPARTMENT"] = 0; }),
      "categories.GENERAL.sign_off_working_hours_by_stage.DEPARTMENT: must be positive"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["categories"]["DIFFICULT"]["warning_percents"] = {90, 40};
                        }),
                        "categories.DIFFICULT.warning_percents[1]: must be within 1..99"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["warning_percents"] = {50, 100};
                        }),
                        "edited.json: warning_percents[1]: must be within 1..99"));
  EXPECT_TRUE(
      HasSubstr(ErrorAfter([](Json& j) { j["warning_percents"] = "50%"; }), "warning_percents: must be an array"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][1]["level"] = "COUNTRY"; }),
                        "escalation[1].level: unknown value 'COUNTRY'"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][1]["level"] = "DEPARTMENT"; }),
                        "edited.json: escalation[1].level: must be GRID, COMMUNITY, TOWNSHIP or COUNTY"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { std::swap(j["escalation"][1], j["escalation"][2]); }),
                        "escalation[2].level: must be above the level of the rung before it"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][2]["at_percent"] = 50; }),
                        "escalation[2].at_percent: must be above the percent of the rung before it"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][0]["notify"] = {"MAYOR"}; }),
                        "escalation[0].notify[0]: unknown value 'MAYOR'"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][0]["notify"] = Json::array(); }),
                        "escalation[0].notify: must name at least one role"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["escalation"][0].erase("at_percent"); }),
                        "escalation[0].at_percent: missing"));
  EXPECT_TRUE(
      HasSubstr(ErrorAfter([](Json& j) { j["escalation"] = Json::array(); }), "escalation: needs at least one rung"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["emergency"]["sign_off_minutes"] = -5; }),
                        "emergency.sign_off_minutes: must be positive"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["emergency"]["completion_minutes"] = 100000; }),
                        "emergency.completion_minutes: must be positive and at most"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j.erase("emergency"); }), "emergency: missing"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["calendar"]["working_hours"][1] = "13:30-12:00"; }),
                        "calendar.working_hours[1]:"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) {
                          j["calendar"]["working_hours"] = {"09:00-12:00", "11:00-17:00"};
                        }),
                        "calendar.working_hours: working hours: period 2"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["calendar"]["time_zone"] = "Mars/Olympus_Mons"; }),
                        "calendar.time_zone: 'Mars/Olympus_Mons' could not be loaded"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["calendar"]["zone"] = "UTC"; }), "calendar.zone: unknown field"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j["version"] = 2; }), "edited.json: version: unknown field"));
  EXPECT_TRUE(HasSubstr(ErrorAfter([](Json& j) { j = Json::array(); }), "(document): must be an object"));

  absl::StatusOr<SlaPolicy> not_json = ParseSlaPolicy("{\"categories\": ", "broken.json");
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasSubstr(not_json.status().message(), "broken.json: not valid JSON"));

  absl::StatusOr<SlaPolicy> missing = LoadSlaPolicy("/nonexistent/sla-policy.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(missing.status().message(), "/nonexistent/sla-policy.json"));
}

TEST(SlaPolicyTest, StageNames) {
  EXPECT_EQ(StageName(Stage::kGridVerification), "GRID_VERIFICATION");
  EXPECT_EQ(StageName(Stage::kCommunity), "COMMUNITY");
  EXPECT_EQ(StageName(Stage::kTownshipDispatch), "TOWNSHIP_DISPATCH");
  EXPECT_EQ(StageName(Stage::kDepartment), "DEPARTMENT");
}

}  // namespace
}  // namespace gridcase::sla
