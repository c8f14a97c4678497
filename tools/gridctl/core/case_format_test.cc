#include "tools/gridctl/core/case_format.h"

#include "gtest/gtest.h"
#include "libs/events/proto_time.h"

namespace gridcase::gridctl {
namespace {

TEST(CaseFormatTest, SpansAndTimes) {
  EXPECT_EQ(FormatSpan(absl::Hours(51)), "2d 3h");
  EXPECT_EQ(FormatSpan(absl::Minutes(185)), "3h 5m");
  EXPECT_EQ(FormatSpan(-absl::Seconds(250)), "-4m 10s");
  EXPECT_EQ(FormatSpan(absl::Seconds(12)), "12s");
  EXPECT_EQ(FormatTimestamp(events::ToProto(absl::FromUnixSeconds(1790000000)), absl::UTCTimeZone()),
            "2026-09-21 14:13:20");
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp(), absl::UTCTimeZone()), "-");
}

TEST(CaseFormatTest, JsonUsesProtoFieldNames) {
  v1::SubmitCaseResponse response;
  response.set_case_id("GC-1");
  response.set_needs_manual_grid(true);
  EXPECT_EQ(ToJson(response), R"({"case_id":"GC-1","needs_manual_grid":true})");
}

TEST(CaseFormatTest, TimelineShowsEachEventsKindActorAndDetail) {
  v1::CaseEvent event;
  event.set_case_version(4);
  *event.mutable_occurred_at() = events::ToProto(absl::FromUnixSeconds(1790000000));
  event.mutable_actor()->set_role(v1::ROLE_TOWNSHIP_DISPATCHER);
  event.mutable_actor()->set_unit_code("330199001");
  event.mutable_township_dispatched()->set_department_code("330199.zfj");
  event.mutable_township_dispatched()->set_by_catalogue(true);
  EXPECT_EQ(EventKind(event), "township_dispatched");
  EXPECT_EQ(TimelineTable({event}, absl::UTCTimeZone()).Render(),
            "version  at                   actor                          event                detail\n"
            "4        2026-09-21 14:13:20  township_dispatcher 330199001  township_dispatched  "
            "department_code: \"330199.zfj\" by_catalogue: true\n");
  EXPECT_EQ(EventKind(v1::CaseEvent()), "");
}

TEST(CaseFormatTest, QueueShowsTimeLeftAndOverdueShowsLateness) {
  v1::Case c;
  c.set_id("GC-1");
  c.set_version(2);
  c.set_status(v1::CASE_STATUS_DISPATCHED);
  c.set_category(v1::CATEGORY_SIMPLE);
  c.set_emergency(true);
  c.set_text("井盖丢失");
  const absl::Time now = absl::FromUnixSeconds(1790000000);
  *c.mutable_due_at() = events::ToProto(now + absl::Hours(3));
  Table queue = QueueTable({c}, now, absl::UTCTimeZone());
  EXPECT_EQ(queue.rows[0], (std::vector<std::string>{"GC-1", "2", "dispatched", "simple!", "2026-09-21 17:13:20",
                                                     "3h 0m", "井盖丢失"}));
  v1::OverdueClock clock;
  clock.set_case_id("GC-1");
  clock.set_clock(v1::CLOCK_KIND_COMPLETION);
  *clock.mutable_late_by() = events::ToProtoDuration(absl::Minutes(90));
  clock.set_level(v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(OverdueTable({clock}, absl::UTCTimeZone()).rows[0][3], "1h 30m");
  EXPECT_EQ(OverdueTable({clock}, absl::UTCTimeZone()).rows[0][5], "township");
}

TEST(CaseFormatTest, AlertLineNamesBreachOrWarning) {
  v1::SlaAlert alert;
  alert.set_case_id("GC-1");
  alert.set_holder_unit("330199001001");
  alert.mutable_event()->mutable_sla_warned()->set_percent(75);
  alert.mutable_event()->mutable_sla_warned()->set_clock(v1::CLOCK_KIND_COMPLETION);
  EXPECT_NE(AlertLine(alert, absl::UTCTimeZone()).find("GC-1  warning 75% completion"), std::string::npos);
  alert.mutable_event()->mutable_sla_breached()->set_clock(v1::CLOCK_KIND_SIGN_OFF);
  EXPECT_NE(AlertLine(alert, absl::UTCTimeZone()).find("BREACH sign_off"), std::string::npos);
}

TEST(CaseFormatTest, ReportShowsRatesAndRanking) {
  v1::Report report;
  report.set_from("2026-11-01");
  report.set_to("2026-12-01");
  report.set_submitted(12);
  report.mutable_totals()->set_has_satisfaction_rate(true);
  report.mutable_totals()->set_satisfaction_rate(0.875);
  v1::UnitStats* unit = report.add_units();
  unit->set_rank(1);
  unit->set_code("330199001");
  unit->set_name("清波街道");
  std::string text = ReportText(report);
  EXPECT_NE(text.find("report 2026-11-01 – 2026-12-01  (all areas)"), std::string::npos) << text;
  EXPECT_NE(text.find("满意率 satisfaction  87.5%"), std::string::npos) << text;
  EXPECT_NE(text.find("1     330199001  清波街道"), std::string::npos) << text;
  EXPECT_EQ(Rate(false, 0.5), "-");
}

}  // namespace
}  // namespace gridcase::gridctl
