#include "libs/validation/key_part.h"

#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"

namespace gridcase::validation {
namespace {

bool IsKeyByte(char c) {
  if (c < 0x21 || c > 0x7E) return false;
  switch (c) {
    case '{':
    case '}':
    case '*':
    case '?':
    case '[':
    case ']':
    case '\\':
      return false;
    default:
      return true;
  }
}

}  // namespace

bool IsKeyPart(absl::string_view value) {
  if (value.empty() || value.size() > kMaxKeyPartBytes) return false;
  for (char c : value) {
    if (!IsKeyByte(c)) return false;
  }
  return true;
}

absl::Status CheckKeyPart(absl::string_view field, absl::string_view value) {
  if (value.empty()) return FieldError(field, "must not be empty");
  if (value.size() > kMaxKeyPartBytes) return FieldError(field, absl::StrCat("must be at most ", kMaxKeyPartBytes, " characters"));
  for (char c : value) {
    if (!IsKeyByte(c)) {
      return FieldError(field, "may hold only printable ASCII without spaces, braces or the characters * ? [ ] \\");
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::validation
