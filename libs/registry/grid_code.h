#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::registry {

// 一格一码: the unified grid code, and the codes of the units above it. Each code extends its parent's code:
//
//   county     6 digits   GB/T 2260 administrative division code of the county, e.g. 330106; the last two digits
//                         are not 00 (a code ending in 00 names a prefecture or province).
//   township   9 digits   county code + 3 digits, not 000 (统计用区划代码 township part: 001–099 街道, 1xx 镇, 2xx 乡).
//   community 12 digits   township code + 3 digits, not 000 (001–199 社区居委会, 2xx 村委会 by the same convention).
//   grid      15 digits   community code + 3-digit grid serial 001–999.
//
// So 330199001002007 is grid 007 of community 330199001002, in township 330199001 of county 330199, and any code's
// ancestors can be read off its prefix. The 街道/镇 and 社区/村 number ranges are conventions, not checked here.
inline constexpr size_t kCountyCodeLength = 6;
inline constexpr size_t kTownshipCodeLength = 9;
inline constexpr size_t kCommunityCodeLength = 12;
inline constexpr size_t kGridCodeLength = 15;

// Code length of a level (county, township, community or grid); 0 for any other level.
size_t CodeLength(v1::Level level);

// OK when `code` has the format of `level` (LEVEL_COUNTY … LEVEL_GRID); INVALID_ARGUMENT with the reason otherwise
// (the message does not name a field: callers prefix it with theirs).
absl::Status ValidateCode(v1::Level level, absl::string_view code);

// OK when `code` is a well-formed code of `level` that extends `parent_code` (the code of the level above);
// INVALID_ARGUMENT with the reason otherwise.
absl::Status ValidateChildCode(v1::Level level, absl::string_view code, absl::string_view parent_code);

// The code of the unit one level up, read off the prefix: community code for a grid code, and so on. Empty for a
// county code or a string that is not a code of any level.
absl::string_view ParentCode(absl::string_view code);

// The level a code's length names (LEVEL_COUNTY … LEVEL_GRID), or LEVEL_UNSPECIFIED when it is not a valid code.
v1::Level LevelOfCode(absl::string_view code);

}  // namespace gridcase::registry
