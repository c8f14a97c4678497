#pragma once

#include "absl/strings/string_view.h"

namespace gridcase::registry {

// Mainland China mobile number as the registry stores it: 11 digits 1[3-9]XXXXXXXXX, no prefix or separators.
bool IsMainlandMobile(absl::string_view phone);

// Codes that are not administrative codes (departments, catalogue items, Open311 service codes, person ids):
// 1–64 characters of [A-Za-z0-9._-].
bool IsPlainCode(absl::string_view code);

}  // namespace gridcase::registry
