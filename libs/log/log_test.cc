#include "libs/log/log.h"

#include "gtest/gtest.h"

namespace gridcase::log {
namespace {

TEST(MaskPhoneTest, KeepsPrefixAndLastFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("010-62345678"), "010*****5678");
  EXPECT_EQ(MaskPhone("12345"), "*****");
}

TEST(QuoteTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Quote("plain"), "plain");
  EXPECT_EQ(Quote("two words"), "\"two words\"");
  EXPECT_EQ(Quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Quote(""), "\"\"");
}

}  // namespace
}  // namespace gridcase::log
