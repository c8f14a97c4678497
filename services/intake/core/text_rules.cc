#include "absl/strings/string_view.h"
#include "services/intake/core/text_rules.h"

#include <regex>

#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"
#include "libs/validation/utf8.h"

namespace gridcase::intake {


absl::Status CheckText(absl::string_view field, absl::string_view text, size_t min_chars, size_t max_chars) {
  std::optional<size_t> length = validation::Utf8Length(text);
  if (!length.has_value()) return validation::FieldError(field, "is not valid UTF-8");
  if (*length < min_chars) {
    return validation::FieldError(field, min_chars == 1 ? "must not be empty"
                                                    : absl::StrCat("must have at least ", min_chars, " characters"));
  }
  if (*length > max_chars) {
    return validation::FieldError(field, absl::StrCat("must have at most ", max_chars, " characters, has ", *length));
  }
  for (char c : text) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      return validation::FieldError(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

bool IsMainlandPhone(absl::string_view phone) {
  static const std::regex kPhone(
      R"(^(?:(?:\+?86)?1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?:-[0-9]{1,6})?|12345|110|119|120|122)$)");
  return std::regex_match(phone.begin(), phone.end(), kPhone);
}

}  // namespace gridcase::intake
