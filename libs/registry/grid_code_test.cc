#include "libs/registry/grid_code.h"

#include "gtest/gtest.h"

namespace gridcase::registry {
namespace {

TEST(GridCodeTest, AcceptsCodesOfEachLevel) {
  EXPECT_TRUE(ValidateCode(v1::LEVEL_COUNTY, "330106").ok());
  EXPECT_TRUE(ValidateCode(v1::LEVEL_TOWNSHIP, "330106001").ok());
  EXPECT_TRUE(ValidateCode(v1::LEVEL_COMMUNITY, "330106001201").ok());
  EXPECT_TRUE(ValidateCode(v1::LEVEL_GRID, "330106001201007").ok());
}

TEST(GridCodeTest, RejectsMalformedCodes) {
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "").ok());
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "33010600120100").ok());    // 14 digits
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "3301060012010071").ok());  // 16 digits
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "33010600120100A").ok());
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "330106001201000").ok());  // grid serial 000
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "330106001000007").ok());  // community digits 000
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "330106000201007").ok());  // township digits 000
  EXPECT_FALSE(ValidateCode(v1::LEVEL_GRID, "330100001201007").ok());  // a prefecture, not a county
  EXPECT_FALSE(ValidateCode(v1::LEVEL_COUNTY, "330100").ok());
  EXPECT_FALSE(ValidateCode(v1::LEVEL_COUNTY, "33010").ok());
  EXPECT_FALSE(ValidateCode(v1::LEVEL_DEPARTMENT, "330106").ok());
}

TEST(GridCodeTest, ErrorSaysWhatIsExpected) {
  absl::Status status = ValidateCode(v1::LEVEL_GRID, "33019900100100");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("15 digits"), absl::string_view::npos) << status;
}

TEST(GridCodeTest, ChildCodeMustExtendItsParent) {
  EXPECT_TRUE(ValidateChildCode(v1::LEVEL_GRID, "330199001002007", "330199001002").ok());
  EXPECT_FALSE(ValidateChildCode(v1::LEVEL_GRID, "330199001002007", "330199001003").ok());
  EXPECT_TRUE(ValidateChildCode(v1::LEVEL_TOWNSHIP, "330199101", "330199").ok());
  EXPECT_FALSE(ValidateChildCode(v1::LEVEL_TOWNSHIP, "330198101", "330199").ok());
  EXPECT_FALSE(ValidateChildCode(v1::LEVEL_COMMUNITY, "33019910120", "330199101").ok());
}

TEST(GridCodeTest, ParentAndLevelAreReadOffTheCode) {
  EXPECT_EQ(ParentCode("330199001002007"), "330199001002");
  EXPECT_EQ(ParentCode("330199001002"), "330199001");
  EXPECT_EQ(ParentCode("330199001"), "330199");
  EXPECT_EQ(ParentCode("330199"), "");
  EXPECT_EQ(ParentCode("G1"), "");
  EXPECT_EQ(LevelOfCode("330199001002007"), v1::LEVEL_GRID);
  EXPECT_EQ(LevelOfCode("330199001002"), v1::LEVEL_COMMUNITY);
  EXPECT_EQ(LevelOfCode("330199001"), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(LevelOfCode("330199"), v1::LEVEL_COUNTY);
  EXPECT_EQ(LevelOfCode("330199001002000"), v1::LEVEL_UNSPECIFIED);
  EXPECT_EQ(LevelOfCode("3301990010"), v1::LEVEL_UNSPECIFIED);
}

}  // namespace
}  // namespace gridcase::registry
