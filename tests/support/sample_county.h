#pragma once

#include <string>

#include "gridcase/v1/event.pb.h"

namespace gridcase::testing::sample {

// Units of the sample registry (data/registry/sample-county.json, 清河县) that end-to-end tests and benchmarks act as.
inline constexpr char kGrid[] = "330199001001001";      // 翠苑社区第1网格; holds 30.2525, 120.152.
inline constexpr char kCommunity[] = "330199001001";    // 翠苑社区
inline constexpr char kTownship[] = "330199001";        // 清波街道
inline constexpr char kUrbanManagement[] = "330199.zfj";  // 综合行政执法局: municipal.manhole-cover by the catalogue.
inline constexpr char kHousing[] = "330199.zjj";          // 住房和城乡建设局
inline constexpr char kManholeCover[] = "municipal.manhole-cover";

// The actor of a command: `person` acting as `role` for `unit`.
inline v1::Actor Actor(v1::Role role, const std::string& unit, const std::string& person) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_unit_code(unit);
  actor.set_person_id(person);
  return actor;
}

}  // namespace gridcase::testing::sample
