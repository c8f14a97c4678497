#pragma once

#include "absl/strings/string_view.h"
#include <optional>

#include "absl/status/status.h"

namespace gridcase::intake {

// INVALID_ARGUMENT "<field>: …" unless `text` is valid UTF-8 of min..max code points without control characters
// other than newline and tab.
absl::Status CheckText(absl::string_view field, absl::string_view text, size_t min_chars, size_t max_chars);

// Mainland China phone numbers: mobile 1[3-9]XXXXXXXXX (11 digits, optional +86 / 86 prefix), or landline with area
// code 0XX(X)-XXXXXXX(X), dash optional, optional extension "-NNNN". Also the short service numbers 12345/110/119/120.
bool IsMainlandPhone(absl::string_view phone);

}  // namespace gridcase::intake
