#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/intake.pb.h"
#include "libs/events/event_publisher.h"
#include "libs/privacy/personal_data.h"
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
  // Seals the resident of every CaseSubmitted before it is saved or published, and keys the requests' fingerprints.
  // The service always has one; null only in tests of other parts (residents then stay in clear).
  privacy::PersonalData* personal_data = nullptr;
  std::function<absl::Time()> clock;
  DuplicatePolicy duplicates;
  // How long one submission attempt owns its idempotency key: concurrent attempts with the key wait up to this long
  // (plus a little) for its outcome, then take over. Covers the normal time to decide, link and publish.
  absl::Duration submit_lease = absl::Seconds(10);
  std::function<void(absl::Duration)> sleep;  // Empty: absl::SleepFor.
};

// 群众点单: turns a resident's request into a case. Validates the request field by field, locates it on the grid
// (coordinates by polygon, else the address by the gazetteer; unlocated requests are kept and flagged for manual grid
// assignment), suggests a catalogue item, category and the emergency flag, gives it a stable case id per (channel,
// idempotency key) and publishes one CaseSubmitted event (version 1). A request like an open case at the same grid
// and catalogue item within the duplicate window is linked to that case as a co-requester (重复件) instead.
// Nothing is stored or published for a request that fails validation.
//
// One case per idempotency key: of all attempts with one (channel, idempotency key), concurrent or retried, one at a
// time owns it (a lease in the SubmissionStore); the owner decides once between linking and opening a case, saves the
// CaseSubmitted event before publishing it and never replaces a saved one. The others wait for the owner's outcome
// and answer with it (same case id, same fields, duplicate_submit: true), or take over when its lease runs out —
// republishing the saved event byte for byte, or retrying the recorded link with the same request ref. A key used
// again for a different request (another SubmissionFingerprint) is refused with ALREADY_EXISTS naming the key and
// the case it belongs to.
class Intake {
 public:
  explicit Intake(IntakeParts parts) : parts_(std::move(parts)) {}

  // `submitter` is the authenticated caller; it is recorded as the event's actor and, for a person, its unit as the
  // case's intake_unit. PERMISSION_DENIED when it may not submit on the request's channel (CheckSubmitter).
  absl::StatusOr<v1::SubmitCaseResponse> Submit(const v1::SubmitCaseRequest& request, const v1::Actor& submitter);
  // The projected case, or the case as submitted when the projection does not have it yet. NOT_FOUND otherwise.
  absl::StatusOr<v1::Case> GetCase(const std::string& case_id);
  // Cases matching the request's filters that `visible` admits, oldest first. One call reads at most
  // kMaxCasesScanned entries of the creation index: a page may then hold fewer than page_size cases (even none) and
  // still carry a next_page_token, so a filter that matches little never makes one call read the whole index.
  absl::StatusOr<v1::ListCasesResponse> ListCases(
      const v1::ListCasesRequest& request,
      const std::function<bool(const v1::Case&)>& visible = [](const v1::Case&) { return true; });

  static constexpr int64_t kMaxCasesScanned = 5000;

 private:
  absl::StatusOr<v1::CaseEvent> BuildSubmitted(const v1::SubmitCaseRequest& request, const v1::Actor& submitter,
                               const std::string& case_id,
                               const registry::Location& location, const Classification& classification,
                               absl::Time now);
  // The owner's part of Submit: decide, link or save and publish.
  absl::StatusOr<v1::SubmitCaseResponse> Decide(const v1::SubmitCaseRequest& request, const v1::Actor& submitter,
                                                const SubmissionClaim& claim,
                                                const Reservation& reservation, const registry::Location& location,
                                                const Classification& classification, absl::Time now);
  absl::StatusOr<v1::SubmitCaseResponse> Publish(const SubmissionClaim& claim, const Reservation& reservation,
                                                 const v1::CaseEvent& event, absl::Time now);
  // Gives up the lease after a failure, so that a retry need not wait for it; returns `status`.
  absl::Status Released(const SubmissionClaim& claim, absl::Status status);
  void Sleep(absl::Duration d);
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

// Who may submit on which channel (群众点单): a hotline operator on CHANNEL_HOTLINE_12345, a grid worker on
// CHANNEL_GRID_PATROL, a gridcase service (the app's and Open311's front ends) on CHANNEL_APP and CHANNEL_OPEN311.
// PERMISSION_DENIED naming the role and channel otherwise.
absl::Status CheckSubmitter(const v1::Actor& submitter, v1::Channel channel);

}  // namespace gridcase::intake
