#include "libs/registry/gazetteer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gridcase::registry {
namespace {

using Precision = Gazetteer::Precision;

class GazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Community A (grids A1, A2) and B (grid B1 only) in township T; community C elsewhere.
    g_.AddCommunityName("翠苑社区", "A");
    g_.AddCommunityName("翠苑小区", "A");
    g_.AddGridName("翠苑小区3幢", "A", "A1");
    g_.AddGridName("翠苑小区12幢", "A", "A2");
    g_.AddGridName("金桂花园", "A", "A1");
    g_.AddGridName("金桂花园10幢", "A", "A2");
    g_.AddGridName("菜市场大楼", "A", "A1");
    g_.AddGridName("菜市场大楼", "A", "A2");  // In two grids of A: places only A.
    g_.AddCommunityName("新塘村", "B");
    g_.SetSoleGrid("B", "B1");
    g_.AddGridName("中心小学", "B", "B1");
    g_.AddGridName("中心小学", "C", "C1");
    g_.AddCommunityName("上塘村", "C");
    g_.AddAreaName("清波街道", std::vector<std::string>{"A", "B"});
    g_.AddCommunityName("x", "A");  // Too short: not registered.
  }

  Gazetteer g_;
};

TEST_F(GazetteerTest, BuildingNamePlacesItsGrid) {
  Gazetteer::Result r = g_.Find("清河县清波街道翠苑小区3幢2单元301室");
  EXPECT_EQ(r.precision, Precision::kGrid);
  EXPECT_EQ(r.community_code, "A");
  EXPECT_EQ(r.grid_code, "A1");
  EXPECT_EQ(r.matched_name, "翠苑小区3幢");
}

TEST_F(GazetteerTest, CommunityNamePlacesTheCommunityOnly) {
  Gazetteer::Result r = g_.Find("翠苑社区门口的路灯不亮");
  EXPECT_EQ(r.precision, Precision::kCommunity);
  EXPECT_EQ(r.community_code, "A");
  EXPECT_EQ(r.grid_code, "");
  EXPECT_EQ(r.matched_name, "翠苑社区");
  // A compound spanning several grids, with a building number nobody registered.
  r = g_.Find("翠苑小区99幢");
  EXPECT_EQ(r.precision, Precision::kCommunity);
  EXPECT_EQ(r.community_code, "A");
}

TEST_F(GazetteerTest, NameInTwoGridsOfOneCommunityPlacesTheCommunity) {
  Gazetteer::Result r = g_.Find("菜市场大楼门口");
  EXPECT_EQ(r.precision, Precision::kCommunity);
  EXPECT_EQ(r.community_code, "A");
}

TEST_F(GazetteerTest, CommunityWithOneGridPlacesTheGrid) {
  Gazetteer::Result r = g_.Find("新塘村村口");
  EXPECT_EQ(r.precision, Precision::kGrid);
  EXPECT_EQ(r.community_code, "B");
  EXPECT_EQ(r.grid_code, "B1");
}

TEST_F(GazetteerTest, NoKnownNameFindsNothing) {
  EXPECT_EQ(g_.Find("杭州市西湖区文三路100号").precision, Precision::kNone);
  EXPECT_EQ(g_.Find("").precision, Precision::kNone);
  EXPECT_EQ(g_.Find("清波街道").precision, Precision::kNone);  // An area name alone places nothing.
  EXPECT_EQ(g_.Find("x").precision, Precision::kNone);
}

TEST_F(GazetteerTest, LongestMatchWins) {
  // 金桂花园 (grid A1) lies inside 金桂花园10幢 (grid A2).
  Gazetteer::Result r = g_.Find("金桂花园10幢1单元");
  EXPECT_EQ(r.grid_code, "A2");
  EXPECT_EQ(r.matched_name, "金桂花园10幢");
  r = g_.Find("金桂花园5幢");
  EXPECT_EQ(r.grid_code, "A1");
  // 翠苑小区12幢 (A2), not 翠苑小区 (community) and not a prefix of it.
  r = g_.Find("翠苑小区12幢");
  EXPECT_EQ(r.grid_code, "A2");
  // The longer of two separate names decides: 翠苑小区3幢 (6 characters) over 上塘村 (3).
  r = g_.Find("上塘村人在翠苑小区3幢");
  EXPECT_EQ(r.grid_code, "A1");
}

TEST_F(GazetteerTest, AmbiguousNameIsNarrowedByTheOtherNames) {
  // 中心小学 is in B and in C.
  EXPECT_EQ(g_.Find("中心小学门口").precision, Precision::kNone);
  Gazetteer::Result r = g_.Find("清波街道中心小学门口");  // The street covers A and B.
  EXPECT_EQ(r.precision, Precision::kGrid);
  EXPECT_EQ(r.grid_code, "B1");
  r = g_.Find("上塘村中心小学");
  EXPECT_EQ(r.precision, Precision::kGrid);
  EXPECT_EQ(r.grid_code, "C1");
  EXPECT_EQ(r.matched_name, "中心小学");
}

TEST_F(GazetteerTest, AddressesAreNormalised) {
  EXPECT_EQ(g_.Find("翠苑小区 ３ 幢").grid_code, "A1");
  EXPECT_EQ(g_.Find("翠苑小区3栋").grid_code, "A1");
  EXPECT_EQ(g_.Find("翠苑小区3号楼").grid_code, "A1");
  EXPECT_EQ(g_.Find("翠苑小区１２号楼").grid_code, "A2");
}

TEST(NormalizePlaceTextTest, Rules) {
  EXPECT_EQ(NormalizePlaceText(" 翠苑\t小区\u3000３栋 "), "翠苑小区3幢");
  EXPECT_EQ(NormalizePlaceText("ＡＢＣ大厦B座"), "abc大厦b座");
  EXPECT_EQ(NormalizePlaceText("5号楼"), "5幢");
  EXPECT_EQ(NormalizePlaceText(std::string("a\xff"
                                           "b",
                                           3)),
            std::string("a\xff"
                        "b",
                        3));
}

}  // namespace
}  // namespace gridcase::registry
