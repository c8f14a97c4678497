#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/intake.pb.h"

namespace gridcase::intake::open311 {

// What the Open311 gateway needs from intake: the three calls of intake's core, with its contract (INVALID_ARGUMENT
// "<field>: <reason>" for a bad submission, nothing stored on rejection; NOT_FOUND for an unknown case; UNAVAILABLE
// is retryable with the same idempotency key). Implementations are thread-safe.
class Open311Backend {
 public:
  virtual ~Open311Backend() = default;

  virtual absl::StatusOr<v1::SubmitCaseResponse> Submit(const v1::SubmitCaseRequest& request) = 0;
  virtual absl::StatusOr<v1::Case> GetCase(const std::string& case_id) = 0;
  virtual absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) = 0;
};

}  // namespace gridcase::intake::open311
