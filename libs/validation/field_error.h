#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase::validation {

// A field-level validation error: INVALID_ARGUMENT with "<field>: <reason>". Every front door maps it to its protocol
// keeping the field named (server::ToGrpcStatus for gRPC, server::ToHttpStatus for HTTP).
absl::Status FieldError(absl::string_view field, absl::string_view reason);

}  // namespace gridcase::validation
