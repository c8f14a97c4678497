#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::feedback {

// A resident's name as public lists show it: the first character (the surname) and one * per further character,
// 王小明 → 王**, 欧阳娜娜 → 欧***, Li → L*. Empty stays empty.
std::string MaskName(absl::string_view name);

// Free text with every run of 7 or more digits (phone numbers, ids) masked like log::MaskPhone: the first three and
// last four digits kept for runs of 11 (13812345678 → 138****5678), all digits but the last four otherwise.
std::string MaskNumbersInText(absl::string_view text);

}  // namespace gridcase::feedback
