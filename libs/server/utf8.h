#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace gridcase::server {

// Number of code points when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF);
// nullopt otherwise.
std::optional<size_t> Utf8Length(absl::string_view text);

}  // namespace gridcase::server
