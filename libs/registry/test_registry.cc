#include "libs/registry/test_registry.h"

#include <cstdlib>
#include <iostream>

#include "libs/registry/registry_json.h"

namespace gridcase::registry::testing {
namespace {

using nlohmann::json;

json Rect(double lat_lo, double lng_lo, double lat_hi, double lng_hi) {
  return json::array({{lat_lo, lng_lo}, {lat_lo, lng_hi}, {lat_hi, lng_hi}, {lat_hi, lng_lo}});
}

json Members(const std::string& head, const std::string& full_time, const std::string& part_time) {
  return json::array({{{"person_id", head}, {"duty", "grid_head"}},
                      {{"person_id", full_time}, {"duty", "full_time"}},
                      {{"person_id", part_time}, {"duty", "part_time"}}});
}

}  // namespace

std::string SourceDir() {
  if (const char* dir = std::getenv("GRIDCASE_SOURCE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return GRIDCASE_REGISTRY_TEST_SOURCE_DIR;
}

std::string SampleRegistryPath() { return SourceDir() + "/data/registry/sample-county.json"; }

json SmallRegistryJson() {
  json registry = {
      {"format", "gridcase.registry.v1"},
      {"counties", {{{"code", "330199"}, {"name", "清河县"}}}},
      {"townships",
       {{{"code", "330199001"}, {"name", "清波街道"}, {"county_code", "330199"}, {"street", true}},
        {{"code", "330199101"}, {"name", "梅岭镇"}, {"county_code", "330199"}}}},
      {"communities",
       {{{"code", "330199001001"}, {"name", "翠苑社区"}, {"township_code", "330199001"}, {"place_names", {"翠苑小区"}}},
        {{"code", "330199001002"}, {"name", "文锦社区"}, {"township_code", "330199001"}, {"place_names", {"文锦苑"}}},
        {{"code", "330199101201"},
         {"name", "上塘村"},
         {"township_code", "330199101"},
         {"rural", true},
         {"place_names", {"张家坞"}}}}},
      {"people",
       {{{"id", "p01"}, {"name", "陈静"}, {"phone", "13900000001"}},
        {{"id", "p02"}, {"name", "王磊"}, {"phone", "13900000002"}},
        {{"id", "p03"}, {"name", "李娜"}, {"phone", "13900000003"}},
        {{"id", "p04"}, {"name", "张伟"}},
        {{"id", "p05"}, {"name", "刘洋"}, {"phone", "13900000005"}},
        {{"id", "p06"}, {"name", "赵敏"}, {"phone", "13900000006"}}}},
      {"grids",
       {{{"code", "330199001001001"},
         {"name", "翠苑第一网格"},
         {"community_code", "330199001001"},
         {"kind", "urban"},
         {"households", 420},
         {"polygon", Rect(30.300, 120.100, 30.305, 120.105)},
         {"members", Members("p01", "p02", "p03")},
         {"place_names", {"翠苑小区1幢", "翠苑小区2幢", "翠苑小学"}}},
        {{"code", "330199001001002"},
         {"name", "翠苑第二网格"},
         {"community_code", "330199001001"},
         {"kind", "urban"},
         {"households", 380},
         {"polygon", Rect(30.300, 120.105, 30.305, 120.110)},
         {"members", Members("p01", "p04", "p03")},
         {"place_names", {"翠苑小区3幢", "翠苑小区4幢"}}},
        {{"code", "330199001001003"},
         {"name", "翠苑第三网格"},
         {"community_code", "330199001001"},
         {"kind", "urban"},
         {"households", 350},
         {"polygon", Rect(30.305, 120.100, 30.310, 120.105)},
         {"members", Members("p01", "p05", "p06")},
         {"place_names", {"金桂花园"}}},
        {{"code", "330199001001004"},
         {"name", "翠苑第四网格"},
         {"community_code", "330199001001"},
         {"kind", "urban"},
         {"households", 300},
         {"polygon", Rect(30.305, 120.105, 30.310, 120.110)},
         {"members", Members("p02", "p05", "p06")},
         {"place_names", {"金桂花园10幢", "翠苑菜市场"}}},
        {{"code", "330199001002001"},
         {"name", "文锦第一网格"},
         {"community_code", "330199001002"},
         {"kind", "urban"},
         {"households", 410},
         {"polygon", Rect(30.300, 120.110, 30.305, 120.120)},
         {"members", Members("p03", "p04", "p06")},
         {"place_names", {"文锦苑1幢"}}},
        {{"code", "330199001002002"},
         {"name", "文锦第二网格"},
         {"community_code", "330199001002"},
         {"kind", "special"},
         {"households", 0},
         {"polygon", Rect(30.305, 120.110, 30.310, 120.120)},
         {"members", Members("p03", "p05", "p02")},
         {"place_names", {"中心小学"}}},
        // The village's south edge carries the corners of the four grids below it, so the boundaries coincide.
        {{"code", "330199101201001"},
         {"name", "上塘村网格"},
         {"community_code", "330199101201"},
         {"kind", "rural"},
         {"households", 640},
         {"polygon", json::array({{30.310, 120.100},
                                  {30.310, 120.105},
                                  {30.310, 120.110},
                                  {30.310, 120.120},
                                  {30.320, 120.120},
                                  {30.320, 120.100}})},
         {"members", Members("p04", "p06", "p05")},
         {"place_names", {"中心小学"}}}}},
      {"departments",
       {{{"code", "330199.cgj"}, {"name", "清河县城市管理局"}},
        {{"code", "330199.xfjy"}, {"name", "清河县消防救援大队"}},
        {{"code", "330199001.pcs"}, {"name", "清波派出所"}, {"township_code", "330199001"}}}},
      {"catalogue",
       {{{"code", "municipal.street-light"},
         {"name", "路灯故障"},
         {"department_code", "330199.cgj"},
         {"default_category", "simple"},
         {"keywords", {"路灯", "路灯不亮"}},
         {"open311_service_code", "street-light"}},
        {{"code", "rescue.fire"},
         {"name", "火灾"},
         {"department_code", "330199.xfjy"},
         {"default_category", "major"},
         {"keywords", {"火灾", "着火"}},
         {"emergency", true},
         {"open311_service_code", "fire"}},
        {{"code", "order.noise"},
         {"name", "社会生活噪声"},
         {"department_code", "330199001.pcs"},
         {"default_category", "general"},
         {"keywords", {"噪音", "噪声"}},
         {"open311_service_code", "noise"}}}},
  };
  return registry;
}

std::shared_ptr<const OrgRegistry> SmallRegistry() {
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = RegistryFromJson(SmallRegistryJson().dump());
  if (!registry.ok()) {
    std::cerr << "small registry does not load: " << registry.status() << "\n";
    std::abort();
  }
  return *registry;
}

}  // namespace gridcase::registry::testing
