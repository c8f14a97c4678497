#include "services/feedback/core/unit_directory.h"

#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/test_registry.h"

namespace gridcase::feedback {
namespace {

std::shared_ptr<const registry::OrgRegistry> Load(const nlohmann::json& document) {
  absl::StatusOr<std::shared_ptr<const registry::OrgRegistry>> r = registry::RegistryFromJson(document.dump());
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : nullptr;
}

TEST(RegistryUnitDirectoryTest, NamesUnitsItemsAndPeople) {
  RegistryUnitDirectory units(registry::testing::SmallRegistry());
  EXPECT_EQ(units.UnitName("330199001001001"), "翠苑第一网格");
  EXPECT_EQ(units.UnitName("330199001001"), "翠苑社区");
  EXPECT_EQ(units.UnitName("nowhere"), "nowhere");
  EXPECT_TRUE(units.IsArea("330199001"));
  EXPECT_FALSE(units.IsArea("nowhere"));
}

TEST(RegistryUnitDirectoryTest, ReplaceServesTheNewRegistry) {
  RegistryUnitDirectory units(registry::testing::SmallRegistry());
  nlohmann::json next = registry::testing::SmallRegistryJson();
  next["grids"][0]["name"] = "翠苑一号网格";
  std::shared_ptr<const registry::OrgRegistry> replacement = Load(next);
  ASSERT_NE(replacement, nullptr);
  units.Replace(replacement);
  EXPECT_EQ(units.UnitName("330199001001001"), "翠苑一号网格");
  EXPECT_EQ(units.UnitName("330199001001"), "翠苑社区");
}

}  // namespace
}  // namespace gridcase::feedback
