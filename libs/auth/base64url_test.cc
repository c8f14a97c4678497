#include "libs/auth/base64url.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");  // The two characters that differ from base64.
}

TEST(Base64Url, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37 + 11));
    absl::StatusOr<std::string> back = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, bytes);
  }
}

TEST(Base64Url, RejectsAnythingButTheCanonicalUnpaddedForm) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());       // padding
  EXPECT_FALSE(Base64UrlDecode("Zm9v+/").ok());     // base64, not base64url
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").ok());      // whitespace
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").ok());      // length 1 mod 4
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());         // non-zero trailing bits ("Zg" is the canonical "f")
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).ok());
  EXPECT_TRUE(Base64UrlDecode("").ok());
}

}  // namespace
}  // namespace gridcase::auth
