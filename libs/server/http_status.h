#pragma once

#include "absl/status/status.h"

namespace gridcase::server {

// The one mapping from absl::Status to an HTTP status for the HTTP front ends (Open311, rating callbacks):
// INVALID_ARGUMENT / OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, FAILED_PRECONDITION /
// ABORTED / ALREADY_EXISTS 409, RESOURCE_EXHAUSTED 429, UNAVAILABLE / DEADLINE_EXCEEDED 503, any other error 500.
int ToHttpStatus(const absl::Status& status);

}  // namespace gridcase::server
