#pragma once

#include <memory>
#include <string>

#include "libs/registry/org_registry.h"
#include "nlohmann/json.hpp"

namespace gridcase::registry::testing {

// The repository root: $GRIDCASE_SOURCE_DIR (set by gridcase_test), else the source tree the test was built from.
std::string SourceDir();
// data/registry/sample-county.json in the repository.
std::string SampleRegistryPath();

// A small, valid registry document (format of docs/REGISTRY.md), for tests to load or to break one field at a time:
//
//   county 330199 清河县
//   ├─ township 330199001 清波街道 (street)
//   │   ├─ community 330199001001 翠苑社区: 2×2 grids 001–004 over lat 30.300–30.310, lng 120.100–120.110
//   │   │     (001 SW, 002 SE, 003 NW, 004 NE; each 0.005° × 0.005°)
//   │   └─ community 330199001002 文锦社区: grids 001 (south half) and 002 (north half) over lng 120.110–120.120
//   └─ township 330199101 梅岭镇
//       └─ community 330199101201 上塘村 (rural): one grid 001 over lat 30.310–30.320, lng 120.100–120.120
//
// Gazetteer names: 翠苑小区 (community 翠苑), 翠苑小区1幢/2幢 and 翠苑小学 (grid 001), 翠苑小区3幢/4幢 (grid 002),
// 金桂花园 (grid 003), 金桂花园10幢 and 翠苑菜市场 (grid 004); 文锦苑 (community 文锦), 文锦苑1幢 (文锦 grid 001),
// 中心小学 (文锦 grid 002 and 上塘村's grid); 张家坞 (上塘村).
nlohmann::json SmallRegistryJson();

// SmallRegistryJson() loaded; aborts the test binary if it does not load.
std::shared_ptr<const OrgRegistry> SmallRegistry();

}  // namespace gridcase::registry::testing
