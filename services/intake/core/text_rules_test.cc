#include "services/intake/core/text_rules.h"

#include "gtest/gtest.h"
#include "libs/validation/utf8.h"

namespace gridcase::intake {
namespace {

using validation::Utf8Length;

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("井盖丢失"), 4u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x9A\x92"), 1u);  // U+1F692 fire engine
  EXPECT_EQ(Utf8Length(""), 0u);
}

TEST(Utf8LengthTest, RejectsMalformedInput) {
  EXPECT_FALSE(Utf8Length("\xff").has_value());
  EXPECT_FALSE(Utf8Length("\xC0\xAF").has_value());      // Overlong '/'.
  EXPECT_FALSE(Utf8Length("\xED\xA0\x80").has_value());  // Surrogate.
  EXPECT_FALSE(Utf8Length("\xE4\xBA").has_value());      // Truncated.
  EXPECT_FALSE(Utf8Length("ok\x80").has_value());
}

TEST(CheckTextTest, NamesFieldAndReason) {
  EXPECT_TRUE(CheckText("text", "路灯不亮", 1, 10).ok());
  absl::Status empty = CheckText("text", "", 1, 10);
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message(), "text: must not be empty");
  EXPECT_EQ(CheckText("title", "\xff", 0, 10).message(), "title: is not valid UTF-8");
  EXPECT_EQ(CheckText("text", "0123456789a", 1, 10).message(), "text: must have at most 10 characters, has 11");
  EXPECT_EQ(CheckText("text", "a\x01", 1, 10).message(), "text: contains a control character");
}

TEST(PhoneTest, AcceptsMainlandFormats) {
  EXPECT_TRUE(IsMainlandPhone("13812345678"));
  EXPECT_TRUE(IsMainlandPhone("+8613812345678"));
  EXPECT_TRUE(IsMainlandPhone("010-62345678"));
  EXPECT_TRUE(IsMainlandPhone("0571-87654321"));
  EXPECT_TRUE(IsMainlandPhone("057187654321"));
  EXPECT_TRUE(IsMainlandPhone("0571-87654321-808"));
  EXPECT_TRUE(IsMainlandPhone("12345"));
}

TEST(PhoneTest, RejectsOthers) {
  EXPECT_FALSE(IsMainlandPhone("12812345678"));   // No 12x mobile prefix.
  EXPECT_FALSE(IsMainlandPhone("1381234567"));    // 10 digits.
  EXPECT_FALSE(IsMainlandPhone("212-555-0100"));  // US.
  EXPECT_FALSE(IsMainlandPhone("010-1234567"));   // Local numbers do not start with 1.
  EXPECT_FALSE(IsMainlandPhone(""));
  EXPECT_FALSE(IsMainlandPhone("138abc45678"));
}

}  // namespace
}  // namespace gridcase::intake
