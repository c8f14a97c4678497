#include "libs/validation/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::validation {
namespace {

TEST(Utf8CodecTest, DecodesWhatAppendWrites) {
  for (uint32_t code_point : {0x41u, 0xE9u, 0x5E62u, 0xFF10u, 0x1F600u}) {
    std::string text;
    AppendUtf8(code_point, &text);
    size_t length = 0;
    EXPECT_EQ(DecodeUtf8(text, 0, &length), code_point);
    EXPECT_EQ(length, text.size());
  }
}

TEST(Utf8CodecTest, MalformedAndCutSequencesAreOneByteLong) {
  size_t length = 0;
  EXPECT_EQ(DecodeUtf8("\x80", 0, &length), kMalformedUtf8);
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeUtf8("\xE5\xB9", 0, &length), kMalformedUtf8);  // 幢 cut after two of its three bytes
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(DecodeUtf8("\xE5\x41\x41", 0, &length), kMalformedUtf8);  // not a continuation byte
  EXPECT_EQ(length, 1u);
}

}  // namespace
}  // namespace gridcase::validation
