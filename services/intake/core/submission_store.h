#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/intake.pb.h"

namespace gridcase::intake {

// One submission attempt's claim on its (channel, idempotency key).
struct SubmissionClaim {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string idempotency_key;
  std::string day;          // yyyymmdd in Asia/Shanghai: the day a new case id is numbered in.
  std::string fingerprint;  // SubmissionFingerprint of the request; a different one under the key is a conflict.
  std::string owner;        // Unique per attempt: whoever holds the lease decides and publishes.
  absl::Duration lease = absl::Seconds(10);
};

// Where a submission stands for one (channel, idempotency key).
struct Reservation {
  enum class State {
    kPending,    // Case id reserved; no outcome yet (see linking_to / saved_event).
    kPublished,  // saved_event is acknowledged by Kafka.
    kLinked,     // Linked to an open case as a co-requester (重复件); linked_answer is the first answer.
    kConflict,   // The key was used for a different request (other fingerprint); case_id is that request's.
  };
  State state = State::kPending;
  std::string case_id;
  bool fresh = false;  // This attempt allocated the case id.
  // This attempt holds the lease: it alone decides between linking and opening, and publishes. Only in kPending.
  bool owned = false;
  // kPending: the link decided by an earlier owner, outcome unknown (retry it with the same request ref).
  std::string linking_to;
  // The submitted event saved before publishing; once saved it never changes (the saved event wins).
  std::optional<v1::CaseEvent> saved_event;
  // kLinked: the answer given to the first caller (absent for records written before answers were kept).
  std::optional<v1::SubmitCaseResponse> linked_answer;
  std::string linked_to;  // kLinked.
};

// Intake's durable memory of submissions (幂等): idempotency keys → case ids, the daily case number sequence, and
// each submitted event until it is known to be on Kafka. Implementations are thread-safe; every operation is
// idempotent. Operations that take an owner are fenced: ABORTED when that owner no longer holds the lease and the
// record does not already carry the outcome asked for.
class SubmissionStore {
 public:
  virtual ~SubmissionStore() = default;

  // Returns the record of the key; allocates the next case id "GC-<day>-<nnnnnn>" (never one handed out before,
  // even across a loss of the store's data) and reserves it when there is none. A pending record is given to the
  // claim's owner when it holds it already, or when the previous owner's lease ran out.
  virtual absl::StatusOr<Reservation> Reserve(const SubmissionClaim& claim) = 0;
  // Records the owner's decision to link the request to `case_id` before asking dispatch.
  virtual absl::Status RecordLinkIntent(const SubmissionClaim& claim, const std::string& case_id) = 0;
  // Saves the submitted event unless one is saved already, and drops a link intent; returns the saved event (the
  // first saved wins). ABORTED when nothing is saved and the owner lost the lease.
  virtual absl::StatusOr<v1::CaseEvent> SaveEvent(const SubmissionClaim& claim, const v1::CaseEvent& event) = 0;
  // Records that `event` is acknowledged by Kafka (recreating the record if the store lost it meanwhile).
  virtual absl::Status MarkPublished(const SubmissionClaim& claim, const v1::CaseEvent& event) = 0;
  // Records that the request was linked as `answer.linked_to_case_id()`; later repeats of the key get `answer`.
  virtual absl::Status MarkLinked(const SubmissionClaim& claim, const v1::SubmitCaseResponse& answer) = 0;
  // Gives up the lease early (after a retryable failure), so that a retry need not wait for it to run out.
  virtual absl::Status Release(const SubmissionClaim& claim) = 0;
  // The case as submitted, for reads that arrive before the dispatch projection has it.
  virtual absl::StatusOr<std::optional<v1::Case>> SubmittedCase(const std::string& case_id) = 0;
};

// Reads the case view projection.
class CaseReader {
 public:
  virtual ~CaseReader() = default;
  virtual absl::StatusOr<std::optional<v1::Case>> GetCase(const std::string& case_id) = 0;
  // Cases created in [from, to), oldest first, skipping `offset`; at most `count`.
  virtual absl::StatusOr<std::vector<v1::Case>> ListCreated(absl::Time from, absl::Time to, int64_t offset,
                                                            int64_t count) = 0;
  virtual absl::StatusOr<std::vector<v1::Case>> GetMany(const std::vector<std::string>& case_ids) = 0;
};

}  // namespace gridcase::intake
