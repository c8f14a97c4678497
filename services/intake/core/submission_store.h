#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::intake {

// Where a submission stands for one (channel, idempotency key).
struct Reservation {
  std::string case_id;
  bool fresh = false;      // This call allocated the case id.
  bool published = false;  // The submitted event is acknowledged by Kafka.
  // The submitted event saved before publishing, if any (absent when a previous attempt died before saving it).
  std::optional<v1::CaseEvent> saved_event;
  // Set when the request was linked to an open case as a duplicate (重复件) instead of opening its own.
  std::string linked_to;
};

// Intake's durable memory of submissions (幂等): idempotency keys → case ids, the daily case number sequence, and
// each submitted event until it is known to be on Kafka. Implementations are thread-safe; every operation is
// idempotent.
class SubmissionStore {
 public:
  virtual ~SubmissionStore() = default;

  // Returns the case id already reserved for the key, or atomically allocates the next "GC-<yyyymmdd>-<nnnnnn>" for
  // `day` (yyyymmdd in Asia/Shanghai) and reserves it.
  virtual absl::StatusOr<Reservation> Reserve(v1::Channel channel, const std::string& idempotency_key,
                                              const std::string& day) = 0;
  // Saves the submitted event for the reservation (before it is published).
  virtual absl::Status SaveEvent(v1::Channel channel, const std::string& idempotency_key,
                                 const v1::CaseEvent& event) = 0;
  virtual absl::Status MarkPublished(v1::Channel channel, const std::string& idempotency_key) = 0;
  // Records that the request was linked to `case_id`; later repeats of the key answer with it.
  virtual absl::Status MarkLinked(v1::Channel channel, const std::string& idempotency_key,
                                  const std::string& case_id) = 0;
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
