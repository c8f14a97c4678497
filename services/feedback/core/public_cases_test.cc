#include "services/feedback/core/public_cases.h"

#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "services/feedback/core/case_script.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

class FakeUnits : public UnitDirectory {
 public:
  std::string UnitName(const std::string& code) const override { return "单位" + code; }
  std::string ItemName(const std::string& item) const override { return "事项" + item; }
  std::string PersonName(const std::string& person) const override { return person; }
  bool IsArea(const std::string& code) const override {
    return code.size() >= 9 && code.find('.') == std::string::npos;
  }
};

TEST(PublicCasesTest, HandledCasesWithResidentDataMasked) {
  FeedbackPolicy policy;
  MemoryFeedbackStore store;
  StatsRecorder recorder(&store, policy);
  absl::Time t = testing::FixtureStart();
  auto add = [&](const std::string& id, const std::string& grid, int hours, bool rate) {
    testing::CaseScript c(id, t + absl::Hours(hours), v1::CHANNEL_APP, v1::CATEGORY_SIMPLE,
                          "路灯不亮，电话13812345678");
    c.Located(grid).Resident("王小明", "13812345678", "app-user-77");
    c.Verify(t + absl::Hours(hours + 1), grid, "municipal.street-light", "p0003")
        .CommunityEscalate(t + absl::Hours(hours + 2))
        .Dispatch(t + absl::Hours(hours + 3), testing::kUrbanManagement)
        .Accept(t + absl::Hours(hours + 4))
        .Resolve(t + absl::Hours(hours + 5), "已更换灯泡，回访电话13900001111");
    if (rate)
      c.Rate(t + absl::Hours(hours + 6), v1::SATISFACTION_SATISFIED, true)
          .Close(t + absl::Hours(hours + 7), v1::CaseClosed::REASON_RATED);
    for (const v1::CaseEvent& e : c.events()) ASSERT_TRUE(recorder.Record(e, t).ok());
  };
  add("GC-A", testing::kGrid1, 0, true);
  add("GC-B", testing::kGrid4, 10, false);
  add("GC-C", testing::kGrid2, 20, true);
  testing::CaseScript open("GC-D", t, v1::CHANNEL_APP, v1::CATEGORY_SIMPLE);
  open.Located(testing::kGrid1);
  for (const v1::CaseEvent& e : open.events()) ASSERT_TRUE(recorder.Record(e, t).ok());

  FakeUnits units;
  PublicCases cases(&store, &units, policy.fallback);
  v1::ListPublicCasesRequest request;
  auto all = cases.List(request);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->cases_size(), 3) << "the open case is not listed";
  EXPECT_EQ(all->cases(0).case_id(), "GC-C") << "most recently resolved first";
  EXPECT_EQ(all->cases(1).case_id(), "GC-B");
  const v1::PublicCase& a = all->cases(2);
  EXPECT_EQ(a.resident_name(), "王**");
  EXPECT_EQ(a.resident_phone(), "138****5678");
  EXPECT_EQ(a.title(), "路灯不亮，电话138****5678");
  EXPECT_EQ(a.reply(), "已更换灯泡，回访电话139****1111");
  EXPECT_EQ(a.satisfaction(), v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(a.handled_by(), testing::kUrbanManagement);
  EXPECT_EQ(all->cases(1).satisfaction(), v1::SATISFACTION_UNSPECIFIED) << "awaiting its rating";
  std::string wire = all->SerializeAsString();
  EXPECT_EQ(wire.find("app-user-77"), std::string::npos) << "no resident id";
  EXPECT_EQ(wire.find("13812345678"), std::string::npos);
  EXPECT_EQ(wire.find("小明"), std::string::npos);

  request.set_area(testing::kTownship);
  request.set_page_size(1);
  auto first = cases.List(request);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->cases_size(), 1);
  EXPECT_EQ(first->cases(0).case_id(), "GC-C");
  request.set_page_token(first->next_page_token());
  auto second = cases.List(request);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->cases_size(), 1);
  EXPECT_EQ(second->cases(0).case_id(), "GC-A") << "GC-B is in another township";

  request.set_page_size(101);
  EXPECT_EQ(cases.List(request).status().message().substr(0, 10), "page_size:");
  request.set_page_size(1);
  request.set_page_token("x");
  EXPECT_EQ(cases.List(request).status().message().substr(0, 11), "page_token:");
}

}  // namespace
}  // namespace gridcase::feedback
