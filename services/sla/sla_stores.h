#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/sla.pb.h"
#include "services/sla/core/case_clocks.h"

namespace gridcase::sla {

// The SLA service's record of one case.
struct StoredCase {
  int64_t version = 0;  // Case version applied; 0 when the case is unknown.
  int64_t done = 0;     // Version whose effects (DeadlineSet events, timers, due index) are complete.
  v1::SlaCaseState state;
  absl::flat_hash_set<std::string> fired;  // AlarmId::FiredKey() of every alarm that fired.
};

// Per-case state: the folded case with its clock histories, versioned, and the alarms that fired. Implementations are
// thread-safe.
class CaseClockStore {
 public:
  virtual ~CaseClockStore() = default;

  virtual absl::StatusOr<StoredCase> Load(const std::string& case_id) = 0;
  // Many cases in one round trip, in the order asked.
  virtual absl::StatusOr<std::vector<StoredCase>> LoadMany(const std::vector<std::string>& case_ids) = 0;
  // Stores `state` as `version` when the stored version is `version - 1`; false (nothing written) otherwise.
  virtual absl::StatusOr<bool> Save(const std::string& case_id, int64_t version, const v1::SlaCaseState& state) = 0;
  // Records that the effects of `version` are complete, if the case is still at `version`.
  virtual absl::Status MarkDone(const std::string& case_id, int64_t version) = 0;
  // Records alarms as fired: (case id, AlarmId::FiredKey()) pairs, in one round trip.
  virtual absl::Status MarkFired(const std::vector<std::pair<std::string, std::string>>& fired) = 0;
  // The states of many cases in one round trip, nullopt for unknown ones; in the order asked.
  virtual absl::StatusOr<std::vector<std::optional<v1::SlaCaseState>>> LoadStates(
      const std::vector<std::string>& case_ids) = 0;
};

// A timer taken by Claim: its member (AlarmId::Member()) and the time it was armed for.
struct ClaimedTimer {
  std::string member;
  absl::Time due;
};

// 定时器: durable timers, a set of members each with a fire time, shared by every replica. A timer is pending until
// claimed; a claim leases it to one claimer until acknowledged (gone), released (pending again at a new time) or the
// lease expires (pending again, due at once). Thread-safe.
class TimerStore {
 public:
  virtual ~TimerStore() = default;

  // Arms (or moves) timers and cancels others, idempotently. A timer that is claimed right now is left to its
  // claimer. Returns how many timers were newly armed.
  virtual absl::StatusOr<int64_t> Apply(const std::vector<std::pair<std::string, absl::Time>>& arm,
                                        const std::vector<std::string>& cancel) = 0;
  // Atomically claims up to `limit` timers due at or before `now`, after first returning expired leases to the
  // pending set; leased until `lease_until`. Two claimers never receive the same timer under one lease.
  virtual absl::StatusOr<std::vector<ClaimedTimer>> Claim(absl::Time now, int limit, absl::Time lease_until) = 0;
  virtual absl::Status Ack(const std::vector<std::string>& members) = 0;
  // Makes claimed timers pending again at the given times.
  virtual absl::Status Release(const std::vector<std::pair<std::string, absl::Time>>& timers) = 0;
  // The earliest pending fire time, nullopt when nothing is pending.
  virtual absl::StatusOr<std::optional<absl::Time>> NextDue() = 0;
  // Pending plus claimed timers.
  virtual absl::StatusOr<int64_t> Count() = 0;
};

// Running clocks by due time ("<case>|<clock>|<cycle>" → due), for ListOverdue. Thread-safe.
class DueIndex {
 public:
  virtual ~DueIndex() = default;

  virtual absl::Status Apply(const std::vector<DueEntry>& entries) = 0;
  // Up to `limit` entries due in [from, until], by due time then member, skipping the first `offset`.
  virtual absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> Range(absl::Time from, absl::Time until,
                                                                                int offset, int limit) = 0;
};

// Publishes the SLA service's advisory events. Thread-safe.
class SlaEventSink {
 public:
  virtual ~SlaEventSink() = default;
  // One status per event, in order; OK means durable.
  virtual std::vector<absl::Status> PublishAll(const std::vector<v1::CaseEvent>& events) = 0;
};

}  // namespace gridcase::sla
