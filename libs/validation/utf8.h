#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace gridcase::validation {

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
