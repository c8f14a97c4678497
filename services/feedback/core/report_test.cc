// The statistics core end to end on a hand-computed fixture: 24 cases (report_fixture.cc) recorded event by event
// into the memory store, then reported. Every expected figure below is worked out by hand from the fixture's table.
#include "services/feedback/core/report.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "services/feedback/core/contribution.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/report_render.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

using namespace testing;  // NOLINT: the fixture's unit codes.

std::shared_ptr<const registry::OrgRegistry> SampleRegistry() {
  const char* dir = std::getenv("GRIDCASE_SOURCE_DIR");
  std::string root = dir != nullptr ? dir : GRIDCASE_FEEDBACK_TEST_SOURCE_DIR;
  auto registry = registry::LoadRegistry(root + "/data/registry/sample-county.json");
  EXPECT_TRUE(registry.ok()) << registry.status();
  return *registry;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fixture = RecordFixture();
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = *std::move(fixture);
    units_ = std::make_unique<RegistryUnitDirectory>(SampleRegistry());
    builder_ = std::make_unique<ReportBuilder>(&fixture_->store, units_.get(), fixture_->policy, [] {
      return absl::FromCivil(absl::CivilDay(2026, 4, 1), CountyZone());
    });
  }

  v1::Report Build(const std::string& from, const std::string& to, const std::string& area) {
    auto query = ParseReportQuery(from, to, area, *units_);
    EXPECT_TRUE(query.ok()) << query.status();
    auto report = builder_->Build(*query);
    EXPECT_TRUE(report.ok()) << report.status();
    return *report;
  }

  static const v1::UnitStats* Unit(const v1::Report& report, const std::string& code) {
    for (const v1::UnitStats& s : report.units()) {
      if (s.code() == code) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<RecordedFixture> fixture_;
  std::unique_ptr<RegistryUnitDirectory> units_;
  std::unique_ptr<ReportBuilder> builder_;
};

// Township 330199001 holds cases 1–14 and 17–23 (21 cases); 15, 16 and 24 are in township 330199002.
//
// Sign-off obligations (fallback deadline 4 h unless the SLA service announced one):
//   grid verification: 21, late only case 6 (verified after 5 h)                         → 21 due, 20 on time
//   community: the 6 local cases (10, 11, 12, 17, 18, 22), case 11 took 6 h; escalations
//              of the 14 department cases end it before the deadline and are not counted → 6 due, 5 on time
//   township dispatch: the 14 department cases, 1 h each                                 → 14 due, 14 on time
//   department: 14 first cycles + reopens of 4, 9, 23 = 17; late: 3 (6 h), 8 (5 h), and 5
//              (SLA deadline 2 h, breach reported); 7 met its 1 h SLA deadline exactly    → 17 due, 14 on time
//   total 58 due, 53 on time.
// Resolutions: 20 (14 department incl. case 23 twice, 6 local); late: 4 (130 h), 9 (150 h) past the 120 h fallback,
//   19 past its 48 h SLA deadline → 17 on time, 3 overdue.
// Ratings: 19 answers — 满意 10 (1 2 5 7 10 12 17 19 20 23b), 基本满意 5 (3 8 11 18 21), 不满意 4 (4 9 22 23a);
//   solved 13; not rated 1 (6); reopened 4 (4 9 22 23).
TEST_F(ReportTest, TownshipTotalsCategoriesAndChannels) {
  v1::Report r = Build("2026-03-01", "2026-04-01", kTownship);
  EXPECT_EQ(r.area_name(), "清波街道");
  EXPECT_EQ(r.submitted(), 21);
  EXPECT_EQ(r.invalid(), 1);
  EXPECT_EQ(r.duplicate(), 0);
  EXPECT_EQ(r.closed(), 16);  // 14 rated, 1 not rated (6), case 23 after its second cycle.
  const v1::UnitStats& t = r.totals();
  EXPECT_EQ(t.sign_offs_due(), 58);
  EXPECT_EQ(t.sign_offs_on_time(), 53);
  EXPECT_DOUBLE_EQ(t.response_rate(), 53.0 / 58);
  EXPECT_EQ(t.received(), 24);  // Department 11 + 6, community 5 + 2 (reopens included).
  EXPECT_EQ(t.resolved(), 20);
  EXPECT_EQ(t.resolved_on_time(), 17);
  EXPECT_DOUBLE_EQ(t.on_time_rate(), 17.0 / 20);
  EXPECT_EQ(t.overdue(), 3);
  EXPECT_EQ(t.rated(), 19);
  EXPECT_EQ(t.satisfied(), 10);
  EXPECT_EQ(t.basically_satisfied(), 5);
  EXPECT_EQ(t.dissatisfied(), 4);
  EXPECT_EQ(t.problem_solved(), 13);
  EXPECT_DOUBLE_EQ(t.resolution_rate(), 13.0 / 19);
  EXPECT_DOUBLE_EQ(t.satisfaction_rate(), (10 * 1.0 + 5 * 0.8) / 19);
  EXPECT_EQ(t.not_rated(), 1);
  EXPECT_EQ(t.reopened(), 4);

  // SIMPLE 1 2 3 9 10 11 12 13 17 18 21 22; GENERAL 4 5 6 14 19 20 23; MAJOR 7 8.
  ASSERT_EQ(r.by_category_size(), 3);
  EXPECT_EQ(r.by_category(0).name(), "简单");
  EXPECT_EQ(r.by_category(0).count(), 12);
  EXPECT_EQ(r.by_category(1).name(), "一般");
  EXPECT_EQ(r.by_category(1).count(), 7);
  EXPECT_EQ(r.by_category(2).name(), "较大");
  EXPECT_EQ(r.by_category(2).count(), 2);
  // Hotline 13, app 5 (3 4 9 14 18), patrol 3 (6 11 21).
  ASSERT_EQ(r.by_channel_size(), 3);
  EXPECT_EQ(r.by_channel(0).key(), "CHANNEL_HOTLINE_12345");
  EXPECT_EQ(r.by_channel(0).count(), 13);
  EXPECT_EQ(r.by_channel(1).count(), 5);
  EXPECT_EQ(r.by_channel(2).count(), 3);
}

// D1 (330199.zfj) in the township: cases 1 2 3 4 5 6 14 21 23.
//   sign-offs 11 (9 first + reopens of 4 and 23), late 3 and 5 → 9/11; received 11;
//   resolved 9 (23 twice), late 4 → 8; ratings 8: 满意 1 2 5 23b, 基本满意 3 21, 不满意 4 23a; solved 6.
//   满意率 (4 + 2×0.8)/8 = 0.7, 解决率 6/8, score 0.3×9/11 + 0.3×0.75 + 0.4×0.7.
// D2 (330199.zjj): cases 7 8 9 19 20 — sign-offs 6 (reopen of 9), late 8 → 5/6; resolved 5, late 9 and 19 → 3;
//   ratings 5: 满意 7 19 20, 基本满意 8, 不满意 9; solved 3. score 0.3×5/6 + 0.3×0.6 + 0.4×0.76.
// 翠苑社区 C1: local 12 17 18 22 (all on time) — resolved 4; ratings 满意 12 17, 基本满意 18, 不满意 22; solved 2.
// 文锦社区 C2: local 10 11 (11 late) → 1/2; ratings 满意 10, 基本满意 11, both solved.
// Grids (verification sign-offs): G1 8/8, G2 6/7 (case 6), G3 6/6. The township: 14/14 dispatches.
TEST_F(ReportTest, UnitRatesAndRanking) {
  v1::Report r = Build("2026-03-01", "2026-04-01", kTownship);
  const v1::UnitStats* d1 = Unit(r, kUrbanManagement);
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->kind(), "department");
  EXPECT_EQ(d1->name(), "清河县综合行政执法局（城市管理局）");
  EXPECT_EQ(d1->sign_offs_due(), 11);
  EXPECT_EQ(d1->sign_offs_on_time(), 9);
  EXPECT_EQ(d1->received(), 11);
  EXPECT_EQ(d1->resolved(), 9);
  EXPECT_EQ(d1->resolved_on_time(), 8);
  EXPECT_EQ(d1->overdue(), 1);
  EXPECT_EQ(d1->rated(), 8);
  EXPECT_EQ(d1->satisfied(), 4);
  EXPECT_EQ(d1->basically_satisfied(), 2);
  EXPECT_EQ(d1->dissatisfied(), 2);
  EXPECT_EQ(d1->not_rated(), 1);
  EXPECT_EQ(d1->reopened(), 2);
  EXPECT_DOUBLE_EQ(d1->response_rate(), 9.0 / 11);
  EXPECT_DOUBLE_EQ(d1->resolution_rate(), 0.75);
  EXPECT_NEAR(d1->satisfaction_rate(), 0.7, 1e-12);
  EXPECT_NEAR(d1->score(), 0.3 * 9.0 / 11 + 0.3 * 0.75 + 0.4 * 0.7, 1e-12);

  const v1::UnitStats* d2 = Unit(r, kHousing);
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->sign_offs_due(), 6);
  EXPECT_EQ(d2->sign_offs_on_time(), 5);
  EXPECT_EQ(d2->resolved(), 5);
  EXPECT_EQ(d2->resolved_on_time(), 3);
  EXPECT_EQ(d2->rated(), 5);
  EXPECT_EQ(d2->problem_solved(), 3);
  EXPECT_NEAR(d2->satisfaction_rate(), 0.76, 1e-12);
  EXPECT_NEAR(d2->score(), 0.3 * 5.0 / 6 + 0.3 * 0.6 + 0.4 * 0.76, 1e-12);

  const v1::UnitStats* c1 = Unit(r, kCommunity1);
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->kind(), "community");
  EXPECT_EQ(c1->sign_offs_due(), 4);
  EXPECT_EQ(c1->sign_offs_on_time(), 4);
  EXPECT_EQ(c1->received(), 5);
  EXPECT_EQ(c1->resolved(), 4);
  EXPECT_EQ(c1->rated(), 4);
  EXPECT_NEAR(c1->satisfaction_rate(), 0.7, 1e-12);
  EXPECT_NEAR(c1->score(), 0.3 * 1.0 + 0.3 * 0.5 + 0.4 * 0.7, 1e-12);
  const v1::UnitStats* c2 = Unit(r, kCommunity2);
  ASSERT_NE(c2, nullptr);
  EXPECT_NEAR(c2->score(), 0.3 * 0.5 + 0.3 * 1.0 + 0.4 * 0.9, 1e-12);

  const v1::UnitStats* g2 = Unit(r, kGrid2);
  ASSERT_NE(g2, nullptr);
  EXPECT_EQ(g2->kind(), "grid");
  EXPECT_EQ(g2->sign_offs_due(), 7);
  EXPECT_EQ(g2->sign_offs_on_time(), 6);
  EXPECT_FALSE(g2->has_satisfaction_rate());
  EXPECT_NEAR(g2->score(), 6.0 / 7, 1e-12) << "only the response rate: weights renormalised";

  // Ranking: 1.0 for the township, G1 and G3 (ties by code), then G2 0.857, C2 0.81, D1 0.7505, D2 0.734, C1 0.73.
  std::vector<std::string> order;
  for (const v1::UnitStats& s : r.units()) {
    if (s.rank() > 0) order.push_back(s.code());
  }
  EXPECT_EQ(order, (std::vector<std::string>{kTownship, kGrid1, kGrid3, kGrid2, kCommunity2, kUrbanManagement, kHousing,
                                             kCommunity1}));
  EXPECT_EQ(Unit(r, kUrbanManagement)->rank(), 6);
  EXPECT_EQ(Unit(r, kOtherTownship), nullptr) << "units outside the area stay out";
}

// Overdue: 9 (150 h vs 120 h: 30 h late), 19 (60 h vs its 48 h SLA deadline: 12 h), 4 (130 h: 10 h).
// Hot spots (verified, not invalid): G1 井盖 4, G2 路灯 4, then 2 each: G2 乱倒垃圾, G3 乱倒垃圾, G3 道路, G3 噪声.
// Alerts (3 in 7 days): G1 井盖 cases 1 2 3 (days 0–2; case 4 on day 10 starts no new burst), G2 路灯 5 6 7.
// Workers: p0003 (G1) verified 8, on time 8, 满意 of its cases 1 2 12 23b → 8 + 8 + 4×2 = 24 points;
//   p0005 (G2) 7, 6, 满意 5 7 17 → 19; p0045 (G3) 6, 6, 满意 10 19 20 → 18.
TEST_F(ReportTest, OverdueHotSpotsAlertsAndWorkers) {
  v1::Report r = Build("2026-03-01", "2026-04-01", kTownship);
  ASSERT_EQ(r.overdue_size(), 3);
  EXPECT_EQ(r.overdue(0).case_id(), "GC-20260309");
  EXPECT_EQ(r.overdue(0).late_by().seconds(), 30 * 3600);
  EXPECT_EQ(r.overdue(0).unit_code(), kHousing);
  EXPECT_EQ(r.overdue(1).case_id(), "GC-20260319");
  EXPECT_EQ(r.overdue(1).late_by().seconds(), 12 * 3600);
  EXPECT_EQ(r.overdue(2).case_id(), "GC-20260304");
  EXPECT_EQ(r.overdue(2).late_by().seconds(), 10 * 3600);

  ASSERT_EQ(r.hot_spots_size(), 6);
  EXPECT_EQ(r.hot_spots(0).grid_code(), kGrid1);
  EXPECT_EQ(r.hot_spots(0).item_name(), "井盖破损松动");
  EXPECT_EQ(r.hot_spots(0).count(), 4);
  EXPECT_EQ(r.hot_spots(1).grid_code(), kGrid2);
  EXPECT_EQ(r.hot_spots(1).catalogue_item(), "municipal.street-light");
  EXPECT_EQ(r.hot_spots(1).count(), 4);
  EXPECT_EQ(r.hot_spots(2).grid_code(), kGrid2);
  EXPECT_EQ(r.hot_spots(2).catalogue_item(), "municipal.illegal-dumping");
  EXPECT_EQ(r.hot_spots(5).catalogue_item(), "order.noise");
  EXPECT_EQ(r.hot_spots(5).count(), 2);

  ASSERT_EQ(r.alerts_size(), 2);
  EXPECT_EQ(r.alerts(0).grid_code(), kGrid1);
  EXPECT_EQ(r.alerts(0).case_count(), 3);
  EXPECT_EQ(std::vector<std::string>(r.alerts(0).case_ids().begin(), r.alerts(0).case_ids().end()),
            (std::vector<std::string>{"GC-20260301", "GC-20260302", "GC-20260303"}));
  EXPECT_EQ(r.alerts(1).grid_code(), kGrid2);
  EXPECT_EQ(r.alerts(1).catalogue_item(), "municipal.street-light");
  EXPECT_EQ(fixture_->alerts.published.size(), 2u) << "each burst published once";

  ASSERT_EQ(r.workers_size(), 3);
  EXPECT_EQ(r.workers(0).person_id(), "p0003");
  EXPECT_EQ(r.workers(0).verified(), 8);
  EXPECT_EQ(r.workers(0).verified_on_time(), 8);
  EXPECT_EQ(r.workers(0).satisfied(), 4);
  EXPECT_EQ(r.workers(0).points(), 24);
  EXPECT_FALSE(r.workers(0).name().empty());
  EXPECT_EQ(r.workers(0).grid_name(), "翠苑社区第1网格");
  EXPECT_EQ(r.workers(1).person_id(), "p0005");
  EXPECT_EQ(r.workers(1).points(), 19);
  EXPECT_EQ(r.workers(2).person_id(), "p0045");
  EXPECT_EQ(r.workers(2).points(), 18);
}

TEST_F(ReportTest, PeriodsAndAreasSelectTheirCases) {
  EXPECT_EQ(Build("2026-03-01", "2026-04-01", "").submitted(), 24);
  v1::Report other = Build("2026-03-01", "2026-04-01", kOtherTownship);
  EXPECT_EQ(other.submitted(), 3);
  EXPECT_EQ(other.totals().rated(), 3);  // 15 满意, 16 基本满意, 24 满意.
  EXPECT_EQ(Unit(other, kUrbanManagement)->resolved(), 1) << "D1 on the other township's cases only";
  // The week of Monday 2 March (seven day counters): cases of days 0–6 in the township, 1 2 3 5 6 7 8 10.
  EXPECT_EQ(Build("2026-03-02", "2026-03-09", kTownship).submitted(), 8);
  // One day, 5 March (day 3): cases 5 and 8.
  EXPECT_EQ(Build("2026-03-05", "2026-03-06", kTownship).submitted(), 2);
  // 3–16 March (fourteen days): fixture days 1–14 → cases 2–14, 17 and 18.
  EXPECT_EQ(Build("2026-03-03", "2026-03-17", kTownship).submitted(), 15);
  v1::Report grid = Build("2026-03-01", "2026-04-01", kGrid3);
  EXPECT_EQ(grid.submitted(), 6);
  EXPECT_EQ(grid.hot_spots_size(), 3) << "the grid's own items: dumping, road, noise (2 each)";
}

TEST_F(ReportTest, QueryFieldsAreChecked) {
  auto bad_from = ParseReportQuery("2026-3-1", "2026-04-01", "", *units_);
  EXPECT_EQ(bad_from.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(bad_from.status().message(), "from:")) << bad_from.status();
  auto backwards = ParseReportQuery("2026-04-01", "2026-03-01", "", *units_);
  EXPECT_TRUE(absl::StartsWith(backwards.status().message(), "to:")) << backwards.status();
  auto too_long = ParseReportQuery("2025-01-01", "2026-04-01", "", *units_);
  EXPECT_TRUE(absl::StartsWith(too_long.status().message(), "to:")) << too_long.status();
  auto unknown = ParseReportQuery("2026-03-01", "2026-04-01", "330199999", *units_);
  EXPECT_TRUE(absl::StartsWith(unknown.status().message(), "area:")) << unknown.status();
}

TEST_F(ReportTest, RendersJsonCsvAndHtml) {
  v1::Report r = Build("2026-03-01", "2026-04-01", kTownship);
  std::string json = RenderJson(r);
  EXPECT_NE(json.find("\"submitted\": \"21\""), std::string::npos) << json.substr(0, 400);
  EXPECT_NE(json.find("\"area_name\": \"清波街道\""), std::string::npos);
  EXPECT_NE(json.find("\"response_rate\""), std::string::npos);

  std::string csv = RenderCsv(r);
  ASSERT_TRUE(absl::StartsWith(csv,
                               "\xEF\xBB\xBF"
                               "section,from,to,area"));
  EXPECT_NE(csv.find("report,2026-03-01,2026-04-01,330199001,清波街道,"), std::string::npos);
  EXPECT_NE(csv.find(absl::StrCat("total,330199001,清波街道,area,,", absl::StrFormat("%.4f", r.totals().score()),
                                  ",0.9138,0.6842,0.7368,0.8500,24,58,53,20,17,3,19,10,5,4,13,1,4\r\n")),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("unit,330199.zfj,清河县综合行政执法局（城市管理局）,department,6,0.7505,0.8182,0.7500,0.7000,"
                     "0.8889,11,11,9,9,8,1,8,4,2,2,6,1,2\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("category,CATEGORY_SIMPLE,简单,12\r\n"), std::string::npos);
  EXPECT_NE(csv.find("overdue,GC-20260309,1,"), std::string::npos);
  EXPECT_NE(csv.find("worker,p0003,"), std::string::npos);
  EXPECT_NE(csv.find(",8,8,4,24\r\n"), std::string::npos);

  std::string html = RenderHtml(r);
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")) << "no external resources";
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 3u) << "rates per unit, categories, channels";
  EXPECT_NE(html.find("清波街道 · 群众诉求办理统计报告"), std::string::npos);
  EXPECT_NE(html.find("91.4%"), std::string::npos) << "response rate 53/58";
  EXPECT_NE(html.find("GC-20260309"), std::string::npos);
  EXPECT_NE(html.find("翠苑社区第1网格 · 井盖破损松动"), std::string::npos) << "alerts by name";
}

TEST(ReportRenderTest, EscapesTextFromCases) {
  v1::Report r;
  r.set_area_name("A&B");
  v1::OverdueEntry* e = r.add_overdue();
  e->set_case_id("GC-1");
  e->set_title("<img src=x onerror=alert(1)>");
  e->set_unit_name("\"单位\"");
  std::string html = RenderHtml(r);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("A&amp;B"), std::string::npos);
  EXPECT_NE(html.find("&quot;单位&quot;"), std::string::npos);
  std::string csv = RenderCsv(r);
  EXPECT_NE(csv.find(",<img src=x onerror=alert(1)>,"), std::string::npos);
  EXPECT_NE(csv.find(",\"\"\"单位\"\"\","), std::string::npos) << "quotes doubled inside a quoted field";
}

TEST_F(ReportTest, RecordingTheFixtureAgainChangesNothing) {
  CounterDelta before = fixture_->store.Counters();
  StatsRecorder recorder(&fixture_->store, fixture_->policy);
  for (const CaseScript& c : FixtureCases()) {
    for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(recorder.Record(e, FixtureStart()).ok());
  }
  EXPECT_EQ(fixture_->store.Counters(), before);
}

}  // namespace
}  // namespace gridcase::feedback
