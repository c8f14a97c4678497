#include "libs/validation/field_error.h"

#include "absl/strings/str_cat.h"

namespace gridcase::validation {

absl::Status FieldError(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

}  // namespace gridcase::validation
