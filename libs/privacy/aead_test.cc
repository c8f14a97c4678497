#include "libs/privacy/aead.h"

#include "gtest/gtest.h"

namespace gridcase::privacy {
namespace {

const std::string kKey(32, 'k');

TEST(AeadTest, OpensWhatItSealedWithTheSameKeyAndContext) {
  auto box = AeadSeal(kKey, "case-1", "13712345678");
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_EQ(box->size(), kAeadNonceBytes + 11 + kAeadTagBytes);
  EXPECT_EQ(box->find("13712345678"), std::string::npos);
  auto plain = AeadOpen(kKey, "case-1", *box);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(*plain, "13712345678");
}

TEST(AeadTest, EachSealHasItsOwnNonce) {
  auto a = AeadSeal(kKey, "c", "same");
  auto b = AeadSeal(kKey, "c", "same");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(AeadTest, AnyChangedByteFailsToOpen) {
  auto box = AeadSeal(kKey, "ctx", "王小明 13712345678");
  ASSERT_TRUE(box.ok());
  for (size_t i = 0; i < box->size(); ++i) {
    std::string tampered = *box;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = AeadOpen(kKey, "ctx", tampered);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
  }
  EXPECT_EQ(AeadOpen(kKey, "ctx", box->substr(0, 20)).status().code(), absl::StatusCode::kDataLoss);
}

TEST(AeadTest, AnotherKeyOrContextFailsToOpen) {
  auto box = AeadSeal(kKey, "case-1|dk-1", "secret");
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(AeadOpen(std::string(32, 'x'), "case-1|dk-1", *box).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(AeadOpen(kKey, "case-2|dk-1", *box).status().code(), absl::StatusCode::kDataLoss);
}

TEST(AeadTest, RefusesKeysOfTheWrongSize) {
  EXPECT_EQ(AeadSeal("short", "", "x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AeadOpen("short", "", std::string(40, 'a')).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AeadTest, HmacIsKeyed) {
  EXPECT_EQ(HmacSha256Hex("k1", "13712345678").size(), 64u);
  EXPECT_EQ(HmacSha256Hex("k1", "13712345678"), HmacSha256Hex("k1", "13712345678"));
  EXPECT_NE(HmacSha256Hex("k1", "13712345678"), HmacSha256Hex("k2", "13712345678"));
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace gridcase::privacy
