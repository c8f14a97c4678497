#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/kafka/message.h"

namespace gridcase::kafka {

// Why a parked case waits, and what the consumer of its group does with it next.
enum class ParkedState {
  kHeld,     // Its first record cannot apply: it waits for an operator's release or skip.
  kWaiting,  // Its first record waited too long for an earlier record of the case: retried every parking poll.
  kRelease,  // An operator asked to re-apply its records, the first one included.
  kSkip,     // An operator asked to drop its first record (kept on the dead-letter topic) and apply the rest.
};
const char* ParkedStateName(ParkedState state);

// A parked case (挂起的案件) of one consumer group: the records of the case that its group has consumed (offsets
// committed) but not applied, oldest first. The Kafka key of a record is its case id.
struct ParkedCase {
  std::string group;
  std::string case_id;
  ParkedState state = ParkedState::kHeld;
  std::string reason;      // Why the first record did not apply (the handler's status).
  absl::Time parked_at;    // When the case was parked.
  int64_t records = 0;     // How many records wait.
  std::optional<Message> head;  // The first record, the one that did not apply.
  bool head_dead_lettered = false;  // Whether the first record was copied to "<topic>.dlt".
};

// "topic/partition/offset": names one record.
std::string RecordId(const Message& message);

// Durable store of parked cases, shared by every member of a consumer group and by the operator's tool. Every
// operation on one case is atomic; a record is parked at most once however often it is redelivered.
class ParkingStore {
 public:
  enum class ParkOutcome {
    kNotParked,      // The case is not parked: the record was not kept.
    kParked,         // The record was appended to its case's parked records.
    kAlreadyParked,  // The record was parked before (a redelivery): nothing changed.
  };

  virtual ~ParkingStore() = default;

  // Appends `message` to its case's records if the case is parked in `group`.
  virtual absl::StatusOr<ParkOutcome> ParkIfParked(const std::string& group, const Message& message) = 0;
  // Parks the case of `message` with it as the first record (or appends it, if the case is parked already).
  virtual absl::StatusOr<ParkOutcome> ParkCase(const std::string& group, const Message& message, ParkedState state,
                                               const std::string& reason, bool dead_lettered) = 0;

  // The case with its first record; nullopt when it is not parked.
  virtual absl::StatusOr<std::optional<ParkedCase>> Find(const std::string& group, const std::string& case_id) = 0;
  // Every parked case of `group`, oldest first (`head` is filled).
  virtual absl::StatusOr<std::vector<ParkedCase>> List(const std::string& group) = 0;
  // Groups that have parked cases.
  virtual absl::StatusOr<std::vector<std::string>> Groups() = 0;
  // The ids of every case parked in `group`.
  virtual absl::StatusOr<std::vector<std::string>> ParkedCaseIds(const std::string& group) = 0;
  // Cases the consumer has to replay: state kWaiting, kRelease or kSkip.
  virtual absl::StatusOr<std::vector<std::string>> CasesToReplay(const std::string& group) = 0;

  // The operator's request: kRelease or kSkip. NOT_FOUND when the case is not parked; FAILED_PRECONDITION when a
  // release or skip is already pending.
  virtual absl::Status Request(const std::string& group, const std::string& case_id, ParkedState request) = 0;

  // Removes the first record if it is `record_id`, then sets the case's state to `next_state` (when given). When no
  // record is left the case is no longer parked: returns true. FAILED_PRECONDITION when `record_id` is not first.
  virtual absl::StatusOr<bool> RemoveHead(const std::string& group, const std::string& case_id,
                                          const std::string& record_id, std::optional<ParkedState> next_state) = 0;
  // Records the outcome of a replay that stopped at the first record: the case's new state and reason, and whether
  // the first record is now on the dead-letter topic.
  virtual absl::Status Hold(const std::string& group, const std::string& case_id, ParkedState state,
                            const std::string& reason, bool head_dead_lettered) = 0;

  // A lease that lets one member of the group replay the case; renewing it with the same `owner` extends it.
  virtual absl::StatusOr<bool> Claim(const std::string& group, const std::string& case_id, const std::string& owner,
                                     absl::Duration lease) = 0;
  virtual absl::Status Unclaim(const std::string& group, const std::string& case_id, const std::string& owner) = 0;
};

}  // namespace gridcase::kafka
