#pragma once

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "libs/validation/field_error.h"

namespace gridcase::server {

// The one mapping from absl::Status to a gRPC status: same code, same message (which names the field for
// INVALID_ARGUMENT, e.g. "text: must not be empty").
grpc::Status ToGrpcStatus(const absl::Status& status);

// The gRPC handlers' name for validation::FieldError (libs/validation/field_error.h, where code outside the gRPC
// adapters takes it from).
using validation::FieldError;

}  // namespace gridcase::server
