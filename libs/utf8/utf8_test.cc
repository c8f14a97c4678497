#include "libs/utf8/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::utf8 {
namespace {

TEST(Utf8Test, DecodesWhatAppendWrites) {
  for (uint32_t code_point : {0x41u, 0xE9u, 0x5E62u, 0xFF10u, 0x1F600u}) {
    std::string text;
    Append(code_point, &text);
    size_t length = 0;
    EXPECT_EQ(Decode(text, 0, &length), code_point);
    EXPECT_EQ(length, text.size());
  }
}

TEST(Utf8Test, MalformedAndCutSequencesAreOneByteLong) {
  size_t length = 0;
  EXPECT_EQ(Decode("\x80", 0, &length), kMalformed);
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(Decode("\xE5\xB9", 0, &length), kMalformed);  // 幢 cut after two of its three bytes
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(Decode("\xE5\x41\x41", 0, &length), kMalformed);  // not a continuation byte
  EXPECT_EQ(length, 1u);
}

}  // namespace
}  // namespace gridcase::utf8
