#include "libs/registry/registry_json.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "libs/registry/test_registry.h"

namespace gridcase::registry {
namespace {

using nlohmann::json;
using testing::SmallRegistryJson;

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = RegistryFromJson(text);
  EXPECT_FALSE(registry.ok());
  if (registry.ok()) return "";
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument) << registry.status();
  return std::string(registry.status().message());
}

std::string ErrorOf(const json& document) { return ErrorOf(document.dump()); }

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

TEST(RegistryJsonTest, SmallRegistryLoads) {
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = RegistryFromJson(SmallRegistryJson().dump());
  ASSERT_TRUE(registry.ok()) << registry.status();
  const v1::Registry& proto = (*registry)->proto();
  EXPECT_EQ(proto.counties_size(), 1);
  EXPECT_EQ(proto.townships_size(), 2);
  EXPECT_EQ(proto.communities_size(), 3);
  EXPECT_EQ(proto.grids_size(), 7);
  EXPECT_EQ(proto.departments_size(), 3);
  EXPECT_EQ(proto.catalogue_size(), 3);
  // Members carry the person's name and phone from the people list.
  const v1::Grid* grid = (*registry)->FindGrid("330199001001001");
  ASSERT_NE(grid, nullptr);
  ASSERT_EQ(grid->members_size(), 3);
  EXPECT_EQ(grid->members(0).person_id(), "p01");
  EXPECT_EQ(grid->members(0).name(), "陈静");
  EXPECT_EQ(grid->members(0).phone(), "13900000001");
  EXPECT_EQ(grid->members(0).duty(), v1::GridMember::DUTY_GRID_HEAD);
  EXPECT_EQ(grid->kind(), v1::GRID_KIND_URBAN);
  EXPECT_EQ(grid->households(), 420);
  EXPECT_TRUE((*registry)->FindTownship("330199001")->street());
  EXPECT_TRUE((*registry)->FindCommunity("330199101201")->rural());
  EXPECT_EQ((*registry)->FindCatalogueItem("rescue.fire")->default_category(), v1::CATEGORY_MAJOR);
  EXPECT_TRUE((*registry)->FindCatalogueItem("rescue.fire")->emergency());
}

TEST(RegistryJsonTest, MalformedJson) {
  EXPECT_TRUE(StartsWith(ErrorOf(std::string("{\"format\": ")), "registry is not valid JSON: "));
  EXPECT_EQ(ErrorOf(std::string("[]")), "registry: expected an object");
}

TEST(RegistryJsonTest, FormatIsRequired) {
  json doc = SmallRegistryJson();
  doc.erase("format");
  EXPECT_EQ(ErrorOf(doc), "format: missing");
  doc["format"] = "gridcase.registry.v2";
  EXPECT_EQ(ErrorOf(doc), "format: \"gridcase.registry.v2\" is not gridcase.registry.v1");
}

TEST(RegistryJsonTest, UnknownFieldsAreErrors) {
  json doc = SmallRegistryJson();
  doc["grids"][3]["polgon"] = doc["grids"][3]["polygon"];
  EXPECT_TRUE(StartsWith(ErrorOf(doc), "grids[3]: unknown field \"polgon\" (expected code, name,")) << ErrorOf(doc);
  doc = SmallRegistryJson();
  doc["grid"] = json::array();
  EXPECT_TRUE(StartsWith(ErrorOf(doc), "registry: unknown field \"grid\"")) << ErrorOf(doc);
}

TEST(RegistryJsonTest, MissingFields) {
  json doc = SmallRegistryJson();
  doc.erase("counties");
  EXPECT_EQ(ErrorOf(doc), "counties: missing");
  doc = SmallRegistryJson();
  doc["grids"][2].erase("code");
  EXPECT_EQ(ErrorOf(doc), "grids[2].code: missing");
  doc = SmallRegistryJson();
  doc["communities"][1].erase("township_code");
  EXPECT_EQ(ErrorOf(doc), "communities[1].township_code: missing");
  doc = SmallRegistryJson();
  doc["grids"][0].erase("polygon");
  EXPECT_EQ(ErrorOf(doc), "grids[0].polygon: missing");
  doc = SmallRegistryJson();
  doc["grids"][0]["name"] = "";
  EXPECT_EQ(ErrorOf(doc), "grids[0].name: missing");
  doc = SmallRegistryJson();
  doc["catalogue"][1].erase("default_category");
  EXPECT_EQ(ErrorOf(doc), "catalogue[1].default_category: missing");
  doc = SmallRegistryJson();
  doc["counties"] = json::array();
  EXPECT_EQ(ErrorOf(doc), "counties: at least one county is needed");
}

TEST(RegistryJsonTest, WrongTypes) {
  json doc = SmallRegistryJson();
  doc["grids"][0]["households"] = "many";
  EXPECT_EQ(ErrorOf(doc), "grids[0].households: expected an integer");
  doc = SmallRegistryJson();
  doc["townships"][0]["street"] = "yes";
  EXPECT_EQ(ErrorOf(doc), "townships[0].street: expected true or false");
  doc = SmallRegistryJson();
  doc["grids"] = json::object();
  EXPECT_EQ(ErrorOf(doc), "grids: expected an array");
  doc = SmallRegistryJson();
  doc["grids"][2]["polygon"][1] = json::array({30.3});
  EXPECT_EQ(ErrorOf(doc), "grids[2].polygon[1]: expected [lat, lng] in degrees");
  doc = SmallRegistryJson();
  doc["communities"][0]["place_names"][0] = 7;
  EXPECT_EQ(ErrorOf(doc), "communities[0].place_names[0]: expected a string");
  doc = SmallRegistryJson();
  doc["grids"][0]["households"] = -3;
  EXPECT_EQ(ErrorOf(doc), "grids[0].households: must not be negative");
}

TEST(RegistryJsonTest, UnknownParents) {
  json doc = SmallRegistryJson();
  doc["communities"][1]["township_code"] = "330199099";
  EXPECT_EQ(ErrorOf(doc), "communities[1].township_code: unknown township 330199099");
  doc = SmallRegistryJson();
  doc["townships"][1]["county_code"] = "330198";
  EXPECT_EQ(ErrorOf(doc), "townships[1].county_code: unknown county 330198");
  doc = SmallRegistryJson();
  doc["grids"][3]["community_code"] = "330199001009";
  EXPECT_EQ(ErrorOf(doc), "grids[3].community_code: unknown community 330199001009");
  doc = SmallRegistryJson();
  doc["departments"][2]["township_code"] = "330199002";
  EXPECT_EQ(ErrorOf(doc), "departments[2].township_code: unknown township 330199002");
  doc = SmallRegistryJson();
  doc["catalogue"][0]["department_code"] = "330199.zzz";
  EXPECT_EQ(ErrorOf(doc), "catalogue[0].department_code: unknown department 330199.zzz");
  doc = SmallRegistryJson();
  doc["grids"][0]["members"][1]["person_id"] = "p99";
  EXPECT_EQ(ErrorOf(doc), "grids[0].members[1].person_id: unknown person p99");
}

TEST(RegistryJsonTest, CodesFollowTheScheme) {
  json doc = SmallRegistryJson();
  doc["grids"][0]["code"] = "33019900100100X";
  EXPECT_EQ(ErrorOf(doc), "grids[0].code: \"33019900100100X\" is not a grid code (15 digits expected)");
  doc = SmallRegistryJson();
  doc["grids"][0]["code"] = "3301990010010001";
  EXPECT_EQ(ErrorOf(doc), "grids[0].code: \"3301990010010001\" is not a grid code (15 digits expected)");
  doc = SmallRegistryJson();
  doc["grids"][4]["code"] = "330199001001005";  // Its community is 330199001002.
  EXPECT_EQ(ErrorOf(doc), "grids[4].code: \"330199001001005\" does not extend the code of its parent \"330199001002\"");
  doc = SmallRegistryJson();
  doc["counties"][0]["code"] = "330100";
  EXPECT_TRUE(StartsWith(ErrorOf(doc), "counties[0].code: \"330100\" is not a county code")) << ErrorOf(doc);
  doc = SmallRegistryJson();
  doc["departments"][0]["code"] = "城管局";
  EXPECT_EQ(ErrorOf(doc), "departments[0].code: must be 1-64 characters of [A-Za-z0-9._-]");
}

TEST(RegistryJsonTest, DuplicateCodes) {
  json doc = SmallRegistryJson();
  doc["grids"][1]["code"] = "330199001001001";
  EXPECT_EQ(ErrorOf(doc), "grids[1].code: 330199001001001 appears twice (also grids[0])");
  doc = SmallRegistryJson();
  doc["communities"].push_back(doc["communities"][0]);
  EXPECT_EQ(ErrorOf(doc), "communities[3].code: 330199001001 appears twice (also communities[0])");
  doc = SmallRegistryJson();
  doc["departments"][1]["code"] = "330199.cgj";
  EXPECT_EQ(ErrorOf(doc), "departments[1].code: 330199.cgj appears twice (also departments[0])");
  doc = SmallRegistryJson();
  doc["catalogue"][2]["code"] = "rescue.fire";
  EXPECT_EQ(ErrorOf(doc), "catalogue[2].code: rescue.fire appears twice (also catalogue[1])");
  doc = SmallRegistryJson();
  doc["catalogue"][2]["open311_service_code"] = "fire";
  EXPECT_EQ(ErrorOf(doc), "catalogue[2].open311_service_code: fire is also the code of catalogue[1]");
  doc = SmallRegistryJson();
  doc["people"][3]["id"] = "p01";
  EXPECT_EQ(ErrorOf(doc), "people[3].id: p01 appears twice");
}

TEST(RegistryJsonTest, BadPolygons) {
  json doc = SmallRegistryJson();
  doc["grids"][2]["polygon"] = json::array({{30.305, 120.100}, {30.305, 120.105}});
  EXPECT_EQ(ErrorOf(doc), "grids[2].polygon: needs at least 3 vertices (has 2 distinct)");
  doc = SmallRegistryJson();
  doc["grids"][2]["polygon"] = json::array();
  EXPECT_EQ(ErrorOf(doc), "grids[2].polygon: needs at least 3 vertices (has 0 distinct)");
  doc = SmallRegistryJson();
  doc["grids"][2]["polygon"][0] = json::array({120.100, 30.305});  // lng, lat swapped
  EXPECT_EQ(ErrorOf(doc), "grids[2].polygon[0]: latitude 120.1 is out of range");
}

TEST(RegistryJsonTest, OverlappingPolygons) {
  json doc = SmallRegistryJson();
  // 文锦's north grid pushed 0.002° south, over its south grid.
  doc["grids"][5]["polygon"] =
      json::array({{30.303, 120.110}, {30.303, 120.120}, {30.310, 120.120}, {30.310, 120.110}});
  const std::string error = ErrorOf(doc);
  EXPECT_TRUE(StartsWith(error, "grids[5].polygon: overlaps grids[4] (330199001002001) by ")) << error;
}

TEST(RegistryJsonTest, HierarchyAndPeopleRules) {
  json doc = SmallRegistryJson();
  doc["communities"].push_back({{"code", "330199001003"}, {"name", "望湖社区"}, {"township_code", "330199001"}});
  EXPECT_EQ(ErrorOf(doc), "communities[3]: has no grids");
  doc = SmallRegistryJson();
  doc["grids"][0]["members"][1]["duty"] = "grid_head";
  EXPECT_EQ(ErrorOf(doc), "grids[0].members[1].duty: a grid has at most one grid head");
  doc = SmallRegistryJson();
  doc["grids"][0]["members"][1]["duty"] = "boss";
  EXPECT_EQ(ErrorOf(doc),
            "grids[0].members[1].duty: unknown value \"boss\" (expected one of grid_head, full_time, part_time)");
  doc = SmallRegistryJson();
  doc["grids"][0]["members"][2]["person_id"] = "p01";
  EXPECT_EQ(ErrorOf(doc), "grids[0].members[2].person_id: p01 is listed twice in this grid");
  doc = SmallRegistryJson();
  doc["people"][1]["phone"] = "12345678901";
  const std::string error = ErrorOf(doc);
  EXPECT_EQ(error, "people[1].phone: not a mainland mobile number (1[3-9] and 9 more digits)");
  EXPECT_EQ(error.find("12345678901"), std::string::npos);
  doc = SmallRegistryJson();
  doc["grids"][1]["kind"] = "city";
  EXPECT_EQ(ErrorOf(doc), "grids[1].kind: unknown value \"city\" (expected one of urban, rural, special)");
}

TEST(RegistryJsonTest, CatalogueRules) {
  json doc = SmallRegistryJson();
  doc["catalogue"][1]["default_category"] = "urgent";
  EXPECT_EQ(ErrorOf(doc),
            "catalogue[1].default_category: unknown value \"urgent\" (expected one of simple, general, major, "
            "difficult, cross_county)");
  doc = SmallRegistryJson();
  doc["catalogue"][0]["keywords"].push_back("路灯");
  EXPECT_EQ(ErrorOf(doc), "catalogue[0].keywords[2]: \"路灯\" repeats");
  doc = SmallRegistryJson();
  doc["catalogue"][0]["open311_service_code"] = "street light";
  EXPECT_EQ(ErrorOf(doc), "catalogue[0].open311_service_code: must be 1-64 characters of [A-Za-z0-9._-]");
}

TEST(RegistryJsonTest, PlaceNameRules) {
  json doc = SmallRegistryJson();
  doc["communities"][0]["place_names"].push_back("苑");
  EXPECT_EQ(ErrorOf(doc),
            "communities[0].place_names[1]: \"苑\" is too short to place an address (at least 2 "
            "characters)");
  doc = SmallRegistryJson();
  doc["grids"][0]["place_names"].push_back("翠苑小区 1幢");
  EXPECT_EQ(ErrorOf(doc), "grids[0].place_names[3]: \"翠苑小区 1幢\" repeats");
}

TEST(LoadRegistryTest, ReadsAFileAndNamesItInErrors) {
  const std::string path = ::testing::TempDir() + "/registry_json_test.json";
  {
    std::ofstream out(path);
    out << SmallRegistryJson().dump(2);
  }
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = LoadRegistry(path);
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->proto().grids_size(), 7);

  json doc = SmallRegistryJson();
  doc["grids"][3]["polygon"] = json::array({{30.3, 120.1}});
  {
    std::ofstream out(path);
    out << doc.dump(2);
  }
  registry = LoadRegistry(path);
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.status().message(), path + ": grids[3].polygon: needs at least 3 vertices (has 1 distinct)");
  std::remove(path.c_str());

  registry = LoadRegistry(path);
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace gridcase::registry
