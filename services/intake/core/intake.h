#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/intake.pb.h"
#include "libs/events/event_publisher.h"
#include "services/intake/core/submission_store.h"

namespace gridcase::intake {

// 群众点单: turns a resident's request into a case. Validates the request field by field, gives it a stable case id
// per (channel, idempotency key), and publishes one CaseSubmitted event (version 1). Nothing is stored or published
// for a request that fails validation.
//
// Exactly-once submit: a repeated key returns the first case id and publishes nothing new once the first event is
// acknowledged; if an earlier attempt died between reserving and publishing, the repeat publishes the saved event
// (same event id, so consumers apply it once).
class Intake {
 public:
  using Clock = std::function<absl::Time()>;

  Intake(SubmissionStore* store, CaseReader* reader, events::EventPublisher* publisher, Clock clock)
      : store_(store), reader_(reader), publisher_(publisher), clock_(std::move(clock)) {}

  absl::StatusOr<v1::SubmitCaseResponse> Submit(const v1::SubmitCaseRequest& request);
  // The projected case, or the case as submitted when the projection does not have it yet. NOT_FOUND otherwise.
  absl::StatusOr<v1::Case> GetCase(const std::string& case_id);

 private:
  v1::CaseEvent BuildSubmitted(const v1::SubmitCaseRequest& request, const std::string& case_id, absl::Time now);

  SubmissionStore* store_;
  CaseReader* reader_;
  events::EventPublisher* publisher_;
  Clock clock_;
};

// Field-level validation of a submission; INVALID_ARGUMENT "<field>: <reason>" for the first bad field.
absl::Status ValidateSubmission(const v1::SubmitCaseRequest& request);

}  // namespace gridcase::intake
