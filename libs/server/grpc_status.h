#pragma once

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace gridcase::server {

// The one mapping from absl::Status to a gRPC status: same code, same message (which names the field for
// INVALID_ARGUMENT, e.g. "text: must not be empty").
grpc::Status ToGrpcStatus(const absl::Status& status);

// A field-level validation error: INVALID_ARGUMENT with "<field>: <reason>".
absl::Status FieldError(absl::string_view field, absl::string_view reason);

}  // namespace gridcase::server
