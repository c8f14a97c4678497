#include "libs/registry/grid_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gridcase::registry {
namespace {

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::string_view LevelName(v1::Level level) {
  switch (level) {
    case v1::LEVEL_COUNTY:
      return "county";
    case v1::LEVEL_TOWNSHIP:
      return "township";
    case v1::LEVEL_COMMUNITY:
      return "community";
    case v1::LEVEL_GRID:
      return "grid";
    default:
      return "unit";
  }
}

}  // namespace

size_t CodeLength(v1::Level level) {
  switch (level) {
    case v1::LEVEL_COUNTY:
      return kCountyCodeLength;
    case v1::LEVEL_TOWNSHIP:
      return kTownshipCodeLength;
    case v1::LEVEL_COMMUNITY:
      return kCommunityCodeLength;
    case v1::LEVEL_GRID:
      return kGridCodeLength;
    default:
      return 0;
  }
}

absl::Status ValidateCode(v1::Level level, absl::string_view code) {
  const size_t length = CodeLength(level);
  if (length == 0) return absl::InvalidArgumentError(absl::StrCat("no code format for level ", v1::Level_Name(level)));
  if (code.empty()) return absl::InvalidArgumentError("missing");
  if (code.size() != length || !AllDigits(code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", code, "\" is not a ", LevelName(level), " code (", length, " digits expected)"));
  }
  if (code.substr(4, 2) == "00") {
    return absl::InvalidArgumentError(absl::StrCat("\"", code, "\" is not a ", LevelName(level),
                                                   " code (its county part ends in 00, which names a prefecture or "
                                                   "province)"));
  }
  for (v1::Level part : {v1::LEVEL_TOWNSHIP, v1::LEVEL_COMMUNITY, v1::LEVEL_GRID}) {
    const size_t end = CodeLength(part);
    if (end > length) break;
    if (code.substr(end - 3, 3) == "000") {
      return absl::InvalidArgumentError(absl::StrCat("\"", code, "\" is not a ", LevelName(level), " code (its ",
                                                     LevelName(part), " digits are 000)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateChildCode(v1::Level level, absl::string_view code, absl::string_view parent_code) {
  if (absl::Status status = ValidateCode(level, code); !status.ok()) return status;
  if (level == v1::LEVEL_COUNTY) return absl::OkStatus();
  if (ParentCode(code) != parent_code) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", code, "\" does not extend the code of its parent \"", parent_code, "\""));
  }
  return absl::OkStatus();
}

absl::string_view ParentCode(absl::string_view code) {
  switch (LevelOfCode(code)) {
    case v1::LEVEL_TOWNSHIP:
    case v1::LEVEL_COMMUNITY:
    case v1::LEVEL_GRID:
      return code.substr(0, code.size() - 3);
    default:
      return absl::string_view();
  }
}

v1::Level LevelOfCode(absl::string_view code) {
  for (v1::Level level : {v1::LEVEL_COUNTY, v1::LEVEL_TOWNSHIP, v1::LEVEL_COMMUNITY, v1::LEVEL_GRID}) {
    if (code.size() == CodeLength(level)) return ValidateCode(level, code).ok() ? level : v1::LEVEL_UNSPECIFIED;
  }
  return v1::LEVEL_UNSPECIFIED;
}

}  // namespace gridcase::registry
