#include "libs/validation/key_part.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::validation {
namespace {

TEST(KeyPartTest, AcceptsIdsAndCodesAsIssued) {
  for (const char* id : {"GC-20261118-1", "330106001", "dept:water", "HOTLINE_12345/2026-11-30#7", "a"}) {
    EXPECT_TRUE(IsKeyPart(id)) << id;
    EXPECT_TRUE(CheckKeyPart("case_id", id).ok()) << id;
  }
}

TEST(KeyPartTest, RefusesWhatWouldChangeAKeysSlotOrPattern) {
  for (const char* id : {"x}{other", "{tag}", "a*", "a?", "[ab]", "a\\b", "a b", "tab\t", "中文"}) {
    EXPECT_FALSE(IsKeyPart(id)) << id;
    absl::Status status = CheckKeyPart("case_id", id);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_EQ(status.message().substr(0, 9), "case_id: ") << id;
  }
  EXPECT_FALSE(IsKeyPart(std::string("a\0b", 3)));
}

TEST(KeyPartTest, BoundsTheLength) {
  EXPECT_TRUE(IsKeyPart(std::string(kMaxKeyPartBytes, 'a')));
  EXPECT_FALSE(IsKeyPart(std::string(kMaxKeyPartBytes + 1, 'a')));
  EXPECT_EQ(CheckKeyPart("unit_code", std::string(kMaxKeyPartBytes + 1, 'a')).message(),
            "unit_code: must be at most 128 characters");
  EXPECT_EQ(CheckKeyPart("unit_code", "").message(), "unit_code: must not be empty");
}

}  // namespace
}  // namespace gridcase::validation
