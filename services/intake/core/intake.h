#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/intake.pb.h"
#include "libs/events/event_publisher.h"
#include "libs/registry/registry_holder.h"
#include "services/intake/core/classifier.h"
#include "services/intake/core/duplicates.h"
#include "services/intake/core/submission_store.h"

namespace gridcase::intake {

// The planned completion deadline of a new case (category, emergency, received at); nullopt when unknown.
using DuePlanner = std::function<std::optional<absl::Time>(v1::Category, bool emergency, absl::Time received)>;

// What intake works with; every pointer must outlive the Intake.
struct IntakeParts {
  SubmissionStore* store = nullptr;
  CaseReader* reader = nullptr;
  events::EventPublisher* publisher = nullptr;
  registry::RegistryHolder* registry = nullptr;
  const Classifier* classifier = nullptr;
  RecentCases* recent = nullptr;  // Null: no duplicate detection.
  CaseLinker* linker = nullptr;   // Null: no duplicate detection.
  DuePlanner planner;             // Empty: no expected time.
  std::function<absl::Time()> clock;
  DuplicatePolicy duplicates;
};

// 群众点单: turns a resident's request into a case. Validates the request field by field, locates it on the grid
// (coordinates by polygon, else the address by the gazetteer; unlocated requests are kept and flagged for manual grid
// assignment), suggests a catalogue item, category and the emergency flag, gives it a stable case id per (channel,
// idempotency key) and publishes one CaseSubmitted event (version 1). A request like an open case at the same grid
// and catalogue item within the duplicate window is linked to that case as a co-requester (重复件) instead.
// Nothing is stored or published for a request that fails validation.
//
// Exactly-once submit: a repeated key returns the first answer and publishes nothing new once the first event is
// acknowledged; if an earlier attempt died between reserving and publishing, the repeat publishes the saved event
// (same event id, so consumers apply it once).
class Intake {
 public:
  explicit Intake(IntakeParts parts) : parts_(std::move(parts)) {}

  absl::StatusOr<v1::SubmitCaseResponse> Submit(const v1::SubmitCaseRequest& request);
  // The projected case, or the case as submitted when the projection does not have it yet. NOT_FOUND otherwise.
  absl::StatusOr<v1::Case> GetCase(const std::string& case_id);
  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request);

 private:
  v1::CaseEvent BuildSubmitted(const v1::SubmitCaseRequest& request, const std::string& case_id,
                               const registry::Location& location, const Classification& classification,
                               absl::Time now);
  // The open case this request repeats, if any.
  absl::StatusOr<std::optional<std::string>> FindDuplicate(const registry::Location& location,
                                                           const Classification& classification,
                                                           const v1::SubmitCaseRequest& request, absl::Time now);

  IntakeParts parts_;
};

// Photos or videos one submission may carry.
inline constexpr int kMaxMediaUrls = 5;

// Field-level validation of a submission; INVALID_ARGUMENT "<field>: <reason>" for the first bad field.
absl::Status ValidateSubmission(const v1::SubmitCaseRequest& request);

}  // namespace gridcase::intake
