#include "services/audit/core/audit_report.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::audit {
namespace {

AuditReport Clean() {
  AuditReport r;
  r.topics = {"intake", "sla"};
  r.log.records = 10;
  r.log.versions = 8;
  r.log.max_versions = {{"GC-1", 5}, {"GC-2", 3}};
  r.log.duplicate_copies = 2;
  r.log.poison.push_back({.at = {.topic = "intake", .partition = 1, .offset = 7}, .reason = "garbage"});
  r.projections.parked.push_back({.case_id = "GC-2", .projected = 2, .logged = 3});
  return r;
}

TEST(AuditReportTest, CopiesPoisonAndParkedCasesAreNotViolations) {
  AuditReport r = Clean();
  EXPECT_FALSE(r.Violated());
  nlohmann::json j = nlohmann::json::parse(SummaryJson(r));
  EXPECT_TRUE(j["ok"]);
  EXPECT_EQ(j["cases"], 2);
  EXPECT_EQ(j["versions"], 8);
  EXPECT_EQ(j["duplicate_copies"], 2);
  EXPECT_EQ(j["poison"], 1);
  EXPECT_EQ(j["findings"]["poison"][0]["at"]["offset"], 7);
  EXPECT_EQ(j["parked"], 1);
  EXPECT_NE(SummaryText(r).find("result: OK"), std::string::npos);
}

TEST(AuditReportTest, EachBrokenInvariantIsAViolation) {
  std::vector<std::function<void(AuditReport&)>> breaks = {
      [](AuditReport& r) { r.log.forks.push_back({.case_id = "GC-1", .version = 3}); },
      [](AuditReport& r) { r.log.gaps.push_back({.case_id = "GC-1", .max_version = 5, .missing = {4}}); },
      [](AuditReport& r) { r.log.bad_starts.push_back({"GC-1", "version 1 is resolved"}); },
      [](AuditReport& r) { r.log.duplicate_submissions.push_back({.case_id = "GC-1"}); },
      [](AuditReport& r) { r.log.alarm_duplicates.push_back({.event_id = "GC-1/sla/completion/1/breach"}); },
      [](AuditReport& r) { r.projections.differences.push_back("case view of GC-1"); },
      [](AuditReport& r) { r.projections.stuck.push_back({.case_id = "GC-1", .projected = 4, .logged = 5}); },
      [](AuditReport& r) { r.projections.ahead.push_back({.case_id = "GC-1", .projected = 6, .logged = 5}); },
      [](AuditReport& r) { r.projection_error = "INVALID_ARGUMENT: event GC-1/3 cannot apply"; },
  };
  for (size_t i = 0; i < breaks.size(); ++i) {
    AuditReport r = Clean();
    breaks[i](r);
    EXPECT_TRUE(r.Violated()) << i;
    EXPECT_FALSE(nlohmann::json::parse(SummaryJson(r))["ok"]) << i;
    EXPECT_NE(SummaryText(r).find("result: VIOLATED"), std::string::npos) << i;
  }
}

TEST(AuditReportTest, AForkIsNamedInTextAndJson) {
  AuditReport r = Clean();
  r.log.forks.push_back({.case_id = "GC-20261123-000007",
                         .version = 4,
                         .variants = {{"GC-20261123-000007/4", "resolved", {"dept", 0, 11}},
                                      {"GC-20261123-000007/4", "department_returned", {"dept", 0, 12}}}});
  std::string text = SummaryText(r);
  EXPECT_NE(text.find("forks: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("fork: GC-20261123-000007 version 4: resolved GC-20261123-000007/4 at dept[0]@11 | "
                      "department_returned GC-20261123-000007/4 at dept[0]@12"),
            std::string::npos)
      << text;
  nlohmann::json j = nlohmann::json::parse(SummaryJson(r));
  EXPECT_EQ(j["forks"], 1);
  EXPECT_EQ(j["findings"]["forks"][0]["case_id"], "GC-20261123-000007");
  EXPECT_EQ(j["findings"]["forks"][0]["variants"][1]["type"], "department_returned");
}

TEST(AuditReportTest, ListsAreCappedButCountsAreNot) {
  AuditReport r = Clean();
  for (int i = 0; i < 30; ++i) r.log.gaps.push_back({.case_id = absl::StrCat("GC-", i), .missing = {2}});
  std::string text = SummaryText(r, 5);
  EXPECT_NE(text.find("gaps: 30"), std::string::npos);
  EXPECT_NE(text.find("… and 25 more gap"), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(SummaryJson(r, 10));
  EXPECT_EQ(j["gaps"], 30);
  EXPECT_EQ(j["findings"]["gaps"].size(), 10u);
  EXPECT_EQ(SummaryJson(r).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace gridcase::audit
