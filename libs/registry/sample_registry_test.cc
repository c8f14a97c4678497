#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "libs/registry/grid_code.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/rules.h"
#include "libs/registry/service_code_map.h"
#include "libs/registry/test_registry.h"
#include "libs/testing/csv.h"

namespace gridcase::registry {
namespace {

const OrgRegistry& Sample() {
  static const std::shared_ptr<const OrgRegistry>* sample = [] {
    absl::StatusOr<std::shared_ptr<const OrgRegistry>> loaded = LoadRegistry(testing::SampleRegistryPath());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      return static_cast<std::shared_ptr<const OrgRegistry>*>(nullptr);
    }
    return new std::shared_ptr<const OrgRegistry>(*std::move(loaded));
  }();
  if (sample == nullptr) std::abort();
  return **sample;
}

TEST(SampleRegistryTest, HasTheDocumentedCounts) {
  const v1::Registry& r = Sample().proto();
  ASSERT_EQ(r.counties_size(), 1);
  EXPECT_EQ(r.counties(0).code(), "330199");
  EXPECT_EQ(r.counties(0).name(), "清河县");
  EXPECT_EQ(r.townships_size(), 6);
  EXPECT_EQ(std::count_if(r.townships().begin(), r.townships().end(), [](const auto& t) { return t.street(); }), 3);
  EXPECT_EQ(r.communities_size(), 40);
  EXPECT_EQ(std::count_if(r.communities().begin(), r.communities().end(), [](const auto& c) { return c.rural(); }), 20);
  EXPECT_EQ(r.grids_size(), 300);
  absl::flat_hash_map<v1::GridKind, int> kinds;
  for (const v1::Grid& grid : r.grids()) ++kinds[grid.kind()];
  EXPECT_EQ(kinds[v1::GRID_KIND_URBAN], 276);
  EXPECT_EQ(kinds[v1::GRID_KIND_RURAL], 20);
  EXPECT_EQ(kinds[v1::GRID_KIND_SPECIAL], 4);
  EXPECT_EQ(r.departments_size(), 42);
  EXPECT_EQ(std::count_if(r.departments().begin(), r.departments().end(),
                          [](const auto& d) { return !d.township_code().empty(); }),
            15);
  EXPECT_EQ(r.catalogue_size(), 187);
  EXPECT_EQ(std::count_if(r.catalogue().begin(), r.catalogue().end(), [](const auto& c) { return c.emergency(); }), 9);
  absl::flat_hash_set<std::string> people;
  for (const v1::Grid& grid : r.grids()) {
    for (const v1::GridMember& member : grid.members()) people.insert(member.person_id());
  }
  EXPECT_EQ(people.size(), 913u);
}

TEST(SampleRegistryTest, EveryGridIsStaffed) {
  for (const v1::Grid& grid : Sample().proto().grids()) {
    int heads = 0, full_time = 0, part_time = 0;
    for (const v1::GridMember& member : grid.members()) {
      heads += member.duty() == v1::GridMember::DUTY_GRID_HEAD;
      full_time += member.duty() == v1::GridMember::DUTY_FULL_TIME;
      part_time += member.duty() == v1::GridMember::DUTY_PART_TIME;
      EXPECT_TRUE(IsMainlandMobile(member.phone())) << grid.code() << " " << member.person_id();
      EXPECT_FALSE(member.name().empty());
    }
    EXPECT_EQ(heads, 1) << grid.code();
    EXPECT_TRUE(full_time >= 1 && full_time <= 2) << grid.code();
    EXPECT_TRUE(part_time >= 1 && part_time <= 2) << grid.code();
    if (grid.kind() == v1::GRID_KIND_URBAN) {
      EXPECT_TRUE(grid.households() >= 300 && grid.households() <= 500) << grid.code();
    }
  }
}

TEST(SampleRegistryTest, CatalogueCoversEveryCategoryAndHasServiceCodes) {
  absl::flat_hash_set<v1::Category> categories;
  for (const v1::CatalogueItem& item : Sample().Catalogue()) {
    categories.insert(item.default_category());
    EXPECT_FALSE(item.open311_service_code().empty()) << item.code();
    // Only the catch-all (Open311 "other") is never chosen by keywords.
    EXPECT_EQ(item.keywords().empty(), item.open311_service_code() == "other") << item.code();
    EXPECT_EQ(Sample().FindByServiceCode(item.open311_service_code()), &item);
  }
  EXPECT_EQ(categories.size(), 5u);
  for (const char* code : {"gas-leak", "fire", "trapped", "manhole-missing", "road-collapse"}) {
    ASSERT_NE(Sample().FindByServiceCode(code), nullptr) << code;
    EXPECT_TRUE(Sample().FindByServiceCode(code)->emergency()) << code;
  }
  EXPECT_EQ(Sample().FindByServiceCode("street-light")->name(), "路灯故障");
  EXPECT_EQ(Sample().FindDepartment(Sample().FindByServiceCode("unpaid-wages")->department_code())->name(),
            "清河县人力资源和社会保障局");
}

TEST(SampleRegistryTest, EveryGridContainsItsOwnCentre) {
  for (const v1::Grid& grid : Sample().proto().grids()) {
    double lat_lo = 90, lat_hi = -90, lng_lo = 180, lng_hi = -180;
    for (const v1::GeoPoint& p : grid.polygon()) {
      lat_lo = std::min(lat_lo, p.lat());
      lat_hi = std::max(lat_hi, p.lat());
      lng_lo = std::min(lng_lo, p.lng());
      lng_hi = std::max(lng_hi, p.lng());
    }
    const double lat = (lat_lo + lat_hi) / 2;
    const double lng = (lng_lo + lng_hi) / 2;
    EXPECT_EQ(Sample().LocatePoint(lat, lng), grid.code()) << lat << "," << lng;
    // Near the south-west corner, 2 m inside both edges.
    EXPECT_EQ(Sample().LocatePoint(lat_lo + 0.00002, lng_lo + 0.00002), grid.code());
  }
}

TEST(SampleRegistryTest, GridsCoverTheCountyWithoutHoles) {
  // A 100 × 200 lattice over lat 30.25–30.35, lng 120.05–120.25, kept off the outer boundary.
  int located = 0;
  for (int i = 0; i < 100; ++i) {
    for (int j = 0; j < 200; ++j) {
      const double lat = 30.25 + 0.1 * (i + 0.5) / 100;
      const double lng = 120.05 + 0.2 * (j + 0.5) / 200;
      std::optional<std::string> grid = Sample().LocatePoint(lat, lng);
      ASSERT_TRUE(grid.has_value()) << lat << "," << lng;
      ++located;
    }
  }
  EXPECT_EQ(located, 20000);
  EXPECT_FALSE(Sample().LocatePoint(30.2431, 120.1500).has_value());  // West Lake, south of the county.
  EXPECT_FALSE(Sample().LocatePoint(30.30, 120.2501).has_value());
  EXPECT_FALSE(Sample().LocatePoint(30.3501, 120.10).has_value());
}

TEST(SampleRegistryTest, LocatesKnownPoints) {
  const OrgRegistry& sample = Sample();
  // 清波街道's first community, its south-west grid.
  EXPECT_EQ(sample.LocatePoint(30.2525, 120.152), "330199001001001");
  // The hospital, the industrial park and the campus are special grids.
  v1::GeoPoint point;
  for (const v1::Grid& grid : sample.proto().grids()) {
    if (grid.kind() != v1::GRID_KIND_SPECIAL) continue;
    point = grid.polygon(0);
    point.set_lat(point.lat() + 0.0001);
    point.set_lng(point.lng() + 0.0001);
    Location location = sample.Locate(&point, "");
    EXPECT_EQ(location.grid_code, grid.code());
    EXPECT_EQ(location.community_code, grid.community_code());
    EXPECT_EQ(location.county_code, "330199");
  }
  point.set_lat(30.40);
  point.set_lng(120.30);
  Location outside = sample.Locate(&point, "清河县人民医院");
  EXPECT_TRUE(outside.outside_county);
  EXPECT_EQ(outside.method, LocateMethod::kGazetteerGrid);
  EXPECT_EQ(sample.FindGrid(outside.grid_code)->name(), "县人民医院网格");
}

TEST(SampleRegistryTest, EveryGridNamePlacesItsGrid) {
  const OrgRegistry& sample = Sample();
  int names = 0;
  for (const v1::Grid& grid : sample.proto().grids()) {
    for (const std::string& name : sample.GridPlaceNamesOf(grid.code())) {
      Location location = sample.LocateAddress("清河县" + name + "2单元301室");
      EXPECT_EQ(location.method, LocateMethod::kGazetteerGrid) << name;
      EXPECT_EQ(location.grid_code, grid.code()) << name;
      ++names;
    }
    EXPECT_EQ(sample.LocateAddress(grid.name()).grid_code, grid.code()) << grid.name();
  }
  EXPECT_GT(names, 2000);
}

TEST(SampleRegistryTest, CommunityNamesPlaceTheCommunity) {
  const OrgRegistry& sample = Sample();
  for (const v1::Community& community : sample.proto().communities()) {
    const bool one_grid = sample.GridsOfCommunity(community.code()).size() == 1;
    std::vector<std::string> names(community.place_names().begin(), community.place_names().end());
    names.push_back(community.name());
    for (const std::string& name : names) {
      Location location = sample.LocateAddress(name + "附近");
      EXPECT_EQ(location.community_code, community.code()) << name;
      EXPECT_EQ(location.method, one_grid ? LocateMethod::kGazetteerGrid : LocateMethod::kGazetteerCommunity) << name;
    }
  }
}

TEST(SampleRegistryTest, CodesFollowTheHierarchy) {
  const OrgRegistry& sample = Sample();
  for (const v1::Grid& grid : sample.proto().grids()) {
    EXPECT_EQ(LevelOfCode(grid.code()), v1::LEVEL_GRID);
    std::optional<GridChain> chain = sample.ChainOfGrid(grid.code());
    ASSERT_TRUE(chain.has_value());
    EXPECT_EQ(ParentCode(grid.code()), chain->community->code());
    EXPECT_EQ(ParentCode(chain->community->code()), chain->township->code());
    EXPECT_EQ(ParentCode(chain->township->code()), chain->county->code());
  }
}

TEST(SampleRegistryTest, NycComplaintTypesMapToOurServiceCodes) {
  const std::string path = testing::SourceDir() + "/data/registry/nyc311-service-codes.json";
  absl::StatusOr<ServiceCodeMap> map = ServiceCodeMap::Load(path, &Sample());
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->default_service_code(), "general-inquiry");
  EXPECT_EQ(map->ServiceCodeFor("Street Condition"), "pothole");
  EXPECT_EQ(map->ServiceCodeFor("Noise - Residential"), "noise");
  EXPECT_EQ(map->ServiceCodeFor("  noise - residential "), "noise");
  EXPECT_EQ(map->ServiceCodeFor("Blocked Driveway"), "illegal-parking");
  EXPECT_EQ(map->ServiceCodeFor("Something New"), "general-inquiry");
  EXPECT_FALSE(map->Covers("Something New"));

  const std::string csv = testing::SourceDir() + "/../shared/data/nyc311-2000.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << csv << " is not beside the repository";
  absl::StatusOr<std::vector<std::vector<std::string>>> read = ::gridcase::testing::ReadCsvFile(csv);
  ASSERT_TRUE(read.ok()) << read.status();
  const std::vector<std::vector<std::string>>& rows = *read;
  ASSERT_GT(rows.size(), 1u);
  const auto column = std::find(rows[0].begin(), rows[0].end(), "Complaint Type");
  ASSERT_NE(column, rows[0].end());
  const size_t index = column - rows[0].begin();
  absl::flat_hash_set<std::string> types;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_GT(rows[i].size(), index) << "row " << i;
    types.insert(rows[i][index]);
  }
  EXPECT_EQ(rows.size() - 1, 2000u);
  EXPECT_EQ(types.size(), 90u);
  for (const std::string& type : types) {
    EXPECT_TRUE(map->Covers(type)) << type;
    EXPECT_NE(Sample().FindByServiceCode(map->ServiceCodeFor(type)), nullptr) << type;
  }
}

TEST(ServiceCodeMapTest, RejectsCodesOutsideTheCatalogue) {
  absl::StatusOr<ServiceCodeMap> map = ServiceCodeMap::FromJson(
      R"({"format": "gridcase.service-codes.v1", "default": "general-inquiry",
          "complaint_types": {"Street Condition": "potholes"}})",
      &Sample());
  EXPECT_EQ(map.status().message(), "complaint_types[\"Street Condition\"]: unknown service code potholes");
  map = ServiceCodeMap::FromJson(R"({"format": "gridcase.service-codes.v1", "default": "nothing",
                                     "complaint_types": {}})",
                                 &Sample());
  EXPECT_EQ(map.status().message(), "default: unknown service code nothing");
  map = ServiceCodeMap::FromJson(R"({"format": "x"})", nullptr);
  EXPECT_FALSE(map.ok());
  map = ServiceCodeMap::FromJson(R"({"format": "gridcase.service-codes.v1", "default": "anything",
                                     "complaint_types": {"A": "b"}})",
                                 nullptr);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->ServiceCodeFor("a"), "b");
}

}  // namespace
}  // namespace gridcase::registry
