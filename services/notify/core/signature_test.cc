#include "services/notify/core/signature.h"

#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

TEST(SignatureTest, IsHmacSha256OfTimestampDotBody) {
  // As `printf '%s' '1764500000.{"event_id":"GC-1/2"}' | openssl dgst -sha256 -hmac s3cret` computes it.
  EXPECT_EQ(SignCallback("s3cret", "1764500000", R"({"event_id":"GC-1/2"})"),
            "v1=72e91ba8dde529e6fa8bceb840caadfd98cbb90de8b163def336c96aaba06ee9");
}

TEST(SignatureTest, ReceiverCheckMatchesOnlyTheSameBytes) {
  const std::string signature = SignCallback("s3cret", "1764500000", R"({"event_id":"GC-1/2"})");
  EXPECT_TRUE(SignatureMatches("s3cret", "1764500000", R"({"event_id":"GC-1/2"})", signature));
  EXPECT_FALSE(SignatureMatches("s3cret", "1764500001", R"({"event_id":"GC-1/2"})", signature));
  EXPECT_FALSE(SignatureMatches("s3cret", "1764500000", R"({"event_id":"GC-1/3"})", signature));
  EXPECT_FALSE(SignatureMatches("other", "1764500000", R"({"event_id":"GC-1/2"})", signature));
  EXPECT_FALSE(SignatureMatches("s3cret", "1764500000", R"({"event_id":"GC-1/2"})", "v1=00"));
}

}  // namespace
}  // namespace gridcase::notify
