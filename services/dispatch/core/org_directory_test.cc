#include "services/dispatch/core/org_directory.h"

#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace gridcase::dispatch {
namespace {

v1::Registry Parse(const std::string& text) {
  v1::Registry registry;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &registry)) << text;
  return registry;
}

constexpr char kRegistry[] = R"pb(
  counties { code: "C1" }
  townships { code: "T1" county_code: "C1" }
  townships { code: "T2" }
  communities { code: "CM1" township_code: "T1" }
  communities { code: "CM2" township_code: "T2" }
  grids { code: "G1" community_code: "CM1" }
  grids { code: "G2" community_code: "CM2" }
  departments { code: "D-WATER" }
  departments { code: "D-STATION" township_code: "T1" }
  catalogue { code: "water.leak" department_code: "D-WATER" }
)pb";

TEST(InMemoryOrgDirectoryTest, FollowsTheHierarchy) {
  absl::StatusOr<InMemoryOrgDirectory> dir = InMemoryOrgDirectory::Create(Parse(kRegistry));
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->CommunityOfGrid("G1"), "CM1");
  EXPECT_EQ(dir->TownshipOfCommunity("CM1"), "T1");
  EXPECT_EQ(dir->CountyOfTownship("T1"), "C1");
  EXPECT_EQ(dir->TownshipOfGrid("G2"), "T2");
  EXPECT_EQ(dir->CountyOfTownship("T2"), std::nullopt);
  EXPECT_TRUE(dir->DepartmentExists("D-WATER"));
  EXPECT_TRUE(dir->DepartmentExists("D-STATION"));
  EXPECT_FALSE(dir->DepartmentExists("D-NONE"));
  EXPECT_EQ(dir->DepartmentOfCatalogueItem("water.leak"), "D-WATER");
}

TEST(InMemoryOrgDirectoryTest, UnknownCodesAreNotFound) {
  absl::StatusOr<InMemoryOrgDirectory> dir = InMemoryOrgDirectory::Create(Parse(kRegistry));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->CommunityOfGrid("G9"), std::nullopt);
  EXPECT_EQ(dir->TownshipOfCommunity("CM9"), std::nullopt);
  EXPECT_EQ(dir->CountyOfTownship("T9"), std::nullopt);
  EXPECT_EQ(dir->TownshipOfGrid("G9"), std::nullopt);
  EXPECT_EQ(dir->DepartmentOfCatalogueItem("no.such"), std::nullopt);
  EXPECT_FALSE(dir->DepartmentExists(""));
}

TEST(InMemoryOrgDirectoryTest, RejectsDanglingLinks) {
  for (const char* bad : {
           R"pb(townships { code: "T1" county_code: "C9" })pb",
           R"pb(communities { code: "CM1" township_code: "T9" })pb",
           R"pb(communities { code: "CM1" })pb",
           R"pb(grids { code: "G1" community_code: "CM9" })pb",
           R"pb(departments { code: "D1" township_code: "T9" })pb",
           R"pb(catalogue { code: "x" department_code: "D9" })pb",
           R"pb(catalogue { code: "x" })pb",
       }) {
    absl::StatusOr<InMemoryOrgDirectory> dir = InMemoryOrgDirectory::Create(Parse(bad));
    EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(InMemoryOrgDirectoryTest, RejectsEmptyAndRepeatedCodes) {
  for (const char* bad : {
           R"pb(counties { code: "" })pb",
           R"pb(counties { code: "C1" }
                counties { code: "C1" })pb",
           R"pb(townships { code: "" })pb",
           R"pb(townships { code: "T1" }
                townships { code: "T1" })pb",
           R"pb(townships { code: "T1" }
                communities { code: "CM1" township_code: "T1" }
                grids { code: "" community_code: "CM1" })pb",
           R"pb(departments { code: "D1" }
                departments { code: "D1" })pb",
           R"pb(departments { code: "" })pb",
       }) {
    absl::StatusOr<InMemoryOrgDirectory> dir = InMemoryOrgDirectory::Create(Parse(bad));
    EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ReplaceableOrgDirectoryTest, ServesTheDirectoryLastPutIn) {
  absl::StatusOr<InMemoryOrgDirectory> first = InMemoryOrgDirectory::Create(Parse(kRegistry));
  ASSERT_TRUE(first.ok()) << first.status();
  ReplaceableOrgDirectory dir(*std::move(first));
  EXPECT_EQ(dir.DepartmentOfCatalogueItem("water.leak"), "D-WATER");
  EXPECT_FALSE(dir.DepartmentExists("D-GAS"));

  v1::Registry next = Parse(kRegistry);
  next.add_departments()->set_code("D-GAS");
  next.mutable_catalogue(0)->set_department_code("D-GAS");
  next.mutable_grids(1)->set_community_code("CM1");
  absl::StatusOr<InMemoryOrgDirectory> second = InMemoryOrgDirectory::Create(next);
  ASSERT_TRUE(second.ok()) << second.status();
  dir.Replace(*std::move(second));
  EXPECT_TRUE(dir.DepartmentExists("D-GAS"));
  EXPECT_EQ(dir.DepartmentOfCatalogueItem("water.leak"), "D-GAS");
  EXPECT_EQ(dir.TownshipOfGrid("G2"), "T1");
  EXPECT_EQ(dir.CountyOfTownship("T1"), "C1");
  EXPECT_EQ(dir.TownshipOfCommunity("CM2"), "T2");
}

}  // namespace
}  // namespace gridcase::dispatch
