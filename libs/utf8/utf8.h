#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::utf8 {

// What Decode gives for a malformed or cut-off sequence, whose length is then 1: a value no character has.
inline constexpr uint32_t kMalformed = 0xFFFFFFFF;

// The code point starting at text[at] (at < text.size()); sets *length to its byte count.
uint32_t Decode(absl::string_view text, size_t at, size_t* length);

// Appends `code_point` (at most 0x10FFFF) encoded as UTF-8.
void Append(uint32_t code_point, std::string* out);

}  // namespace gridcase::utf8
