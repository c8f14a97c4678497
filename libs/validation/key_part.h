#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase::validation {

// The longest id or code that may become part of a Redis key (case ids, unit codes, idempotency keys, ...).
inline constexpr size_t kMaxKeyPartBytes = 128;

// Whether `value` may be spliced into a Redis key: 1..kMaxKeyPartBytes bytes of printable ASCII other than the
// hash-tag braces `{` `}` (which would move the key to another slot or another tag) and the glob characters
// `*` `?` `[` `]` `\` (which SCAN MATCH patterns built from a prefix would interpret). Spaces are refused too.
bool IsKeyPart(absl::string_view value);

// OK if IsKeyPart(value); otherwise INVALID_ARGUMENT "<field>: ..." saying what is wrong.
absl::Status CheckKeyPart(absl::string_view field, absl::string_view value);

}  // namespace gridcase::validation
