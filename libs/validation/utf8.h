#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::validation {

// What DecodeUtf8 gives for a malformed or cut-off sequence, whose length is then 1: a value no character has.
inline constexpr uint32_t kMalformedUtf8 = 0xFFFFFFFF;

// The code point starting at text[at] (at < text.size()); sets *length to its byte count. Overlong forms and
// surrogates decode as they are (Utf8Length refuses them).
uint32_t DecodeUtf8(absl::string_view text, size_t at, size_t* length);

// Appends `code_point` (at most 0x10FFFF) encoded as UTF-8.
void AppendUtf8(uint32_t code_point, std::string* out);

// Number of code points when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF);
// nullopt otherwise.
std::optional<size_t> Utf8Length(absl::string_view text);

// Bytes of the UTF-8 sequence that starts with `lead` (1 for ASCII and for a byte that cannot start a sequence), for
// stepping through text already known to be UTF-8 one character at a time.
inline size_t Utf8SequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace gridcase::validation
