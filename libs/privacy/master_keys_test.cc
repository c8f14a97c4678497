#include "libs/privacy/master_keys.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace gridcase::privacy {
namespace {

std::string B64(char c) { return absl::Base64Escape(std::string(32, c)); }

TEST(MasterKeysTest, TheNewestIsTheLastAndEveryKeyIsFoundById) {
  auto keys = MasterKeys::Parse(R"({"master_keys": [{"id": "m1", "key": ")" + B64('a') +
                                R"("}, {"id": "m2", "key": ")" + B64('b') + R"("}], "index_key": ")" + B64('i') +
                                R"("})");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->newest().id, "m2");
  EXPECT_EQ(*keys->Find("m1"), std::string(32, 'a'));
  EXPECT_EQ(keys->index_key(), std::string(32, 'i'));
  EXPECT_EQ(keys->Find("m3").status().code(), absl::StatusCode::kNotFound);
}

TEST(MasterKeysTest, MalformedFilesAreRefusedWithoutShowingAKey) {
  std::string short_key = absl::Base64Escape("0123456789");
  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"master_keys": [], "index_key": ")") + B64('i') + "\"}",
        std::string(R"({"master_keys": [{"id": "m1", "key": ")") + short_key + R"("}], "index_key": ")" + B64('i') +
            "\"}",
        std::string(R"({"master_keys": [{"id": "m1", "key": ")") + B64('a') + R"("}]})",
        std::string(R"({"master_keys": [{"id": "m1", "key": ")") + B64('a') + R"("}, {"id": "m1", "key": ")" +
            B64('a') + R"("}], "index_key": ")" + B64('i') + "\"}"}) {
    auto keys = MasterKeys::Parse(bad);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(keys.status().message().find(short_key), std::string::npos);
    EXPECT_EQ(keys.status().message().find(B64('a')), std::string::npos);
  }
  EXPECT_EQ(MasterKeys::Load("/nonexistent/keys.json").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MasterKeysTest, ANewFileParses) {
  auto text = MasterKeys::NewFile("m7");
  ASSERT_TRUE(text.ok());
  auto keys = MasterKeys::Parse(*text);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->newest().id, "m7");
  EXPECT_NE(keys->newest().bytes, keys->index_key());
}

}  // namespace
}  // namespace gridcase::privacy
