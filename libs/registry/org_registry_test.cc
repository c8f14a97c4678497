#include "libs/registry/org_registry.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/registry/test_registry.h"

namespace gridcase::registry {
namespace {

using testing::SmallRegistry;

std::vector<std::string> Codes(absl::Span<const v1::Grid* const> grids) {
  std::vector<std::string> codes;
  for (const v1::Grid* grid : grids) codes.push_back(grid->code());
  return codes;
}

v1::GeoPoint Point(double lat, double lng) {
  v1::GeoPoint point;
  point.set_lat(lat);
  point.set_lng(lng);
  return point;
}

TEST(OrgRegistryTest, LookupsByCode) {
  auto registry = SmallRegistry();
  ASSERT_NE(registry->FindCounty("330199"), nullptr);
  EXPECT_EQ(registry->FindCounty("330199")->name(), "清河县");
  EXPECT_EQ(registry->FindTownship("330199101")->name(), "梅岭镇");
  EXPECT_EQ(registry->FindCommunity("330199001002")->name(), "文锦社区");
  EXPECT_EQ(registry->FindGrid("330199001001004")->name(), "翠苑第四网格");
  EXPECT_EQ(registry->FindDepartment("330199001.pcs")->township_code(), "330199001");
  EXPECT_EQ(registry->FindCatalogueItem("municipal.street-light")->department_code(), "330199.cgj");
  EXPECT_EQ(registry->FindCounty("330198"), nullptr);
  EXPECT_EQ(registry->FindGrid("330199001001009"), nullptr);
  EXPECT_EQ(registry->FindDepartment("330199.none"), nullptr);
  EXPECT_EQ(registry->FindCatalogueItem("none"), nullptr);
}

TEST(OrgRegistryTest, Open311ServiceCodes) {
  auto registry = SmallRegistry();
  ASSERT_NE(registry->FindByServiceCode("street-light"), nullptr);
  EXPECT_EQ(registry->FindByServiceCode("street-light")->code(), "municipal.street-light");
  EXPECT_EQ(registry->FindByServiceCode("noise")->code(), "order.noise");
  EXPECT_EQ(registry->FindByServiceCode("pothole"), nullptr);
  EXPECT_EQ(registry->Catalogue().size(), 3);
}

TEST(OrgRegistryTest, ChainAndChildren) {
  auto registry = SmallRegistry();
  std::optional<GridChain> chain = registry->ChainOfGrid("330199101201001");
  ASSERT_TRUE(chain.has_value());
  EXPECT_EQ(chain->grid->code(), "330199101201001");
  EXPECT_EQ(chain->community->code(), "330199101201");
  EXPECT_EQ(chain->township->code(), "330199101");
  EXPECT_EQ(chain->county->code(), "330199");
  EXPECT_FALSE(registry->ChainOfGrid("330199101201002").has_value());

  EXPECT_EQ(Codes(registry->GridsOfCommunity("330199001001")),
            (std::vector<std::string>{"330199001001001", "330199001001002", "330199001001003", "330199001001004"}));
  EXPECT_TRUE(registry->GridsOfCommunity("330199001009").empty());
  ASSERT_EQ(registry->CommunitiesOfTownship("330199001").size(), 2u);
  EXPECT_EQ(registry->CommunitiesOfTownship("330199001")[1]->code(), "330199001002");
  EXPECT_EQ(registry->TownshipsOfCounty("330199").size(), 2u);
  ASSERT_EQ(registry->StationsOfTownship("330199001").size(), 1u);
  EXPECT_EQ(registry->StationsOfTownship("330199001")[0]->code(), "330199001.pcs");
  EXPECT_TRUE(registry->StationsOfTownship("330199101").empty());
}

TEST(OrgRegistryTest, UnitLevelsAndContainment) {
  auto registry = SmallRegistry();
  EXPECT_EQ(registry->LevelOfUnit("330199001001003"), v1::LEVEL_GRID);
  EXPECT_EQ(registry->LevelOfUnit("330199001001"), v1::LEVEL_COMMUNITY);
  EXPECT_EQ(registry->LevelOfUnit("330199001"), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(registry->LevelOfUnit("330199"), v1::LEVEL_COUNTY);
  EXPECT_EQ(registry->LevelOfUnit("330199.cgj"), v1::LEVEL_DEPARTMENT);
  EXPECT_EQ(registry->LevelOfUnit("330199002"), v1::LEVEL_UNSPECIFIED);  // Well-formed but not in the registry.

  EXPECT_TRUE(registry->IsWithin("330199001001003", "330199001001"));
  EXPECT_TRUE(registry->IsWithin("330199001001003", "330199001"));
  EXPECT_TRUE(registry->IsWithin("330199001001003", "330199"));
  EXPECT_TRUE(registry->IsWithin("330199001", "330199001"));
  EXPECT_FALSE(registry->IsWithin("330199001001003", "330199101"));
  EXPECT_FALSE(registry->IsWithin("330199001", "330199001001"));
  EXPECT_FALSE(registry->IsWithin("330199001001003", "330199.cgj"));
  EXPECT_FALSE(registry->IsWithin("330199001001009", "330199001001"));
}

TEST(OrgRegistryTest, PeopleAndTheirGrids) {
  auto registry = SmallRegistry();
  absl::Span<const GridAssignment> p01 = registry->AssignmentsOf("p01");
  ASSERT_EQ(p01.size(), 3u);
  EXPECT_EQ(p01[0].grid_code, "330199001001001");
  EXPECT_EQ(p01[0].duty, v1::GridMember::DUTY_GRID_HEAD);
  EXPECT_EQ(p01[2].grid_code, "330199001001003");
  absl::Span<const GridAssignment> p04 = registry->AssignmentsOf("p04");
  ASSERT_EQ(p04.size(), 3u);
  EXPECT_EQ(p04[0].duty, v1::GridMember::DUTY_FULL_TIME);
  EXPECT_EQ(p04[2].duty, v1::GridMember::DUTY_GRID_HEAD);
  EXPECT_TRUE(registry->AssignmentsOf("p99").empty());
  ASSERT_EQ(registry->GridPlaceNamesOf("330199001001004").size(), 2u);
  EXPECT_EQ(registry->GridPlaceNamesOf("330199001001004")[0], "金桂花园10幢");
}

TEST(OrgRegistryTest, LocatePointByPolygon) {
  auto registry = SmallRegistry();
  // Centres.
  EXPECT_EQ(registry->LocatePoint(30.3025, 120.1025), "330199001001001");
  EXPECT_EQ(registry->LocatePoint(30.3075, 120.1075), "330199001001004");
  EXPECT_EQ(registry->LocatePoint(30.3025, 120.115), "330199001002001");
  EXPECT_EQ(registry->LocatePoint(30.315, 120.11), "330199101201001");
  // About 5 m either side of the edge between 翠苑 grid 002 and 文锦 grid 001 (lng 120.110).
  EXPECT_EQ(registry->LocatePoint(30.3025, 120.10995), "330199001001002");
  EXPECT_EQ(registry->LocatePoint(30.3025, 120.11005), "330199001002001");
  // About 5 m either side of the village's south edge (lat 30.310).
  EXPECT_EQ(registry->LocatePoint(30.30995, 120.1025), "330199001001003");
  EXPECT_EQ(registry->LocatePoint(30.31005, 120.1025), "330199101201001");
  // Outside the county: West Lake, and 5 m beyond the western edge.
  EXPECT_FALSE(registry->LocatePoint(30.2431, 120.1500).has_value());
  EXPECT_FALSE(registry->LocatePoint(30.305, 120.09995).has_value());
  EXPECT_FALSE(registry->LocatePoint(std::numeric_limits<double>::quiet_NaN(), 120.1).has_value());
}

TEST(OrgRegistryTest, LocateFillsTheChain) {
  auto registry = SmallRegistry();
  v1::GeoPoint point = Point(30.3075, 120.1025);
  Location location = registry->Locate(&point, "");
  EXPECT_EQ(location.method, LocateMethod::kPolygon);
  EXPECT_EQ(location.grid_code, "330199001001003");
  EXPECT_EQ(location.community_code, "330199001001");
  EXPECT_EQ(location.township_code, "330199001");
  EXPECT_EQ(location.county_code, "330199");
  EXPECT_FALSE(location.outside_county);
  EXPECT_FALSE(location.needs_manual_grid());
  EXPECT_EQ(LocateMethodName(location.method), "polygon");
}

TEST(OrgRegistryTest, PointWinsOverAddress) {
  auto registry = SmallRegistry();
  v1::GeoPoint point = Point(30.3025, 120.1025);  // 翠苑 grid 001
  Location location = registry->Locate(&point, "文锦苑1幢");
  EXPECT_EQ(location.method, LocateMethod::kPolygon);
  EXPECT_EQ(location.grid_code, "330199001001001");
}

TEST(OrgRegistryTest, PointOutsideTheCountyFallsBackToTheAddressAndIsFlagged) {
  auto registry = SmallRegistry();
  v1::GeoPoint point = Point(30.2431, 120.1500);
  Location location = registry->Locate(&point, "文锦苑1幢3单元");
  EXPECT_TRUE(location.outside_county);
  EXPECT_EQ(location.method, LocateMethod::kGazetteerGrid);
  EXPECT_EQ(location.grid_code, "330199001002001");

  location = registry->Locate(&point, "");
  EXPECT_TRUE(location.outside_county);
  EXPECT_EQ(location.method, LocateMethod::kNone);
  EXPECT_TRUE(location.needs_manual_grid());
  EXPECT_EQ(location.county_code, "");
}

TEST(OrgRegistryTest, InvalidPointIsTreatedAsAbsent) {
  auto registry = SmallRegistry();
  v1::GeoPoint point = Point(120.1, 30.3);  // Swapped.
  Location location = registry->Locate(&point, "翠苑社区");
  EXPECT_FALSE(location.outside_county);
  EXPECT_EQ(location.method, LocateMethod::kGazetteerCommunity);
}

TEST(OrgRegistryTest, GazetteerThroughTheRegistry) {
  auto registry = SmallRegistry();
  // A building of one grid.
  Location location = registry->LocateAddress("清河县清波街道翠苑小区3幢2单元301室");
  EXPECT_EQ(location.method, LocateMethod::kGazetteerGrid);
  EXPECT_EQ(location.grid_code, "330199001001002");
  EXPECT_EQ(location.community_code, "330199001001");
  EXPECT_EQ(location.township_code, "330199001");
  EXPECT_EQ(location.county_code, "330199");
  EXPECT_EQ(location.matched_name, "翠苑小区3幢");
  EXPECT_FALSE(location.outside_county);

  // The community's own name, and a compound spanning its grids: the community only.
  location = registry->LocateAddress("翠苑社区东门");
  EXPECT_EQ(location.method, LocateMethod::kGazetteerCommunity);
  EXPECT_EQ(location.grid_code, "");
  EXPECT_EQ(location.community_code, "330199001001");
  EXPECT_EQ(location.township_code, "330199001");
  EXPECT_TRUE(location.needs_manual_grid());
  location = registry->LocateAddress("翠苑小区8幢");
  EXPECT_EQ(location.method, LocateMethod::kGazetteerCommunity);

  // Grid names are gazetteer names too.
  location = registry->LocateAddress("翠苑第二网格");
  EXPECT_EQ(location.grid_code, "330199001001002");

  // Longest match: 金桂花园10幢 (grid 004) over 金桂花园 (grid 003).
  EXPECT_EQ(registry->LocateAddress("金桂花园10幢").grid_code, "330199001001004");
  EXPECT_EQ(registry->LocateAddress("金桂花园2幢").grid_code, "330199001001003");

  // A village with one grid: its name places the grid.
  location = registry->LocateAddress("梅岭镇张家坞");
  EXPECT_EQ(location.method, LocateMethod::kGazetteerGrid);
  EXPECT_EQ(location.grid_code, "330199101201001");

  // 中心小学 is in 文锦 and in 上塘村: the township decides, alone it is ambiguous.
  EXPECT_EQ(registry->LocateAddress("清波街道中心小学").grid_code, "330199001002002");
  EXPECT_EQ(registry->LocateAddress("梅岭镇中心小学").grid_code, "330199101201001");
  EXPECT_EQ(registry->LocateAddress("中心小学").method, LocateMethod::kNone);

  // Nothing known.
  location = registry->LocateAddress("杭州市上城区解放路1号");
  EXPECT_EQ(location.method, LocateMethod::kNone);
  EXPECT_TRUE(location.needs_manual_grid());
  EXPECT_EQ(location.community_code, "");
}

TEST(OrgRegistryTest, ApplyToWritesTheCaseLocation) {
  auto registry = SmallRegistry();
  v1::Location proto;
  proto.mutable_point()->set_lat(1);
  proto.set_address("翠苑社区");
  registry->LocateAddress(proto.address()).ApplyTo(&proto);
  EXPECT_EQ(proto.community_code(), "330199001001");
  EXPECT_EQ(proto.township_code(), "330199001");
  EXPECT_EQ(proto.county_code(), "330199");
  EXPECT_EQ(proto.grid_code(), "");
  EXPECT_TRUE(proto.needs_manual_grid());
  EXPECT_EQ(proto.address(), "翠苑社区");
  EXPECT_EQ(proto.point().lat(), 1);

  registry->LocateAddress("翠苑小学").ApplyTo(&proto);
  EXPECT_EQ(proto.grid_code(), "330199001001001");
  EXPECT_FALSE(proto.needs_manual_grid());
}

TEST(OrgRegistryTest, CreateFromAProtoWithoutGridNames) {
  v1::Registry proto = SmallRegistry()->proto();
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = OrgRegistry::Create(proto);
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->LocatePoint(30.3025, 120.1025), "330199001001001");
  // Without grid-level names a building is not known; the community's own names still are.
  EXPECT_EQ((*registry)->LocateAddress("翠苑小区3幢").method, LocateMethod::kGazetteerCommunity);
  EXPECT_TRUE((*registry)->GridPlaceNamesOf("330199001001001").empty());

  absl::StatusOr<std::shared_ptr<const OrgRegistry>> mismatched =
      OrgRegistry::Create(proto, OrgRegistry::GridPlaceNames(2));
  EXPECT_EQ(mismatched.status().message(), "grid place names: 2 lists for 7 grids");
}

}  // namespace
}  // namespace gridcase::registry
