#pragma once

#include <cstdint>
#include <map>
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
  // Set when the timer was claimed before, at this time, and that claim never ended in an acknowledgement or a
  // release that cleared it (its claimer died, or its publish failed): the alarm may already be on the SLA topic.
  std::optional<absl::Time> earlier_claim;
};

// A claimed timer handed back to the pending set.
struct ReleasedTimer {
  std::string member;
  absl::Time at;  // When it comes due again.
  // Its alarm may have been published (a publish was attempted and failed): the claim intent stays, so whoever claims
  // it next looks for the alarm on the SLA topic first.
  bool maybe_published = false;
};

// 定时器: durable timers, a set of members each with a fire time, shared by every replica. A timer is pending until
// claimed; a claim leases it to one claimer until acknowledged (gone), released (pending again at a new time) or the
// lease expires (pending again, due at once). Every claim leaves an intent (the claim time) that only an
// acknowledgement or a release without `maybe_published` removes, so a timer whose claimer died comes back marked
// (ClaimedTimer::earlier_claim). Thread-safe.
class TimerStore {
 public:
  virtual ~TimerStore() = default;

  // Arms (or moves) timers and cancels others, idempotently. A timer that is claimed right now stays with its
  // claimer, and the time asked for is kept aside: when the claim ends (acknowledged or released) the timer becomes
  // pending at that time (at the earlier of the two on a release), so arming during a claim is never lost. Cancelling
  // a claimed timer discards what was kept aside for it. Returns how many timers were newly armed.
  virtual absl::StatusOr<int64_t> Apply(const std::vector<std::pair<std::string, absl::Time>>& arm,
                                        const std::vector<std::string>& cancel) = 0;
  // Arms those of `arm` that are neither pending nor claimed; leaves the others as they are. Returns the members it
  // armed. For the reconciliation of lost timers.
  virtual absl::StatusOr<std::vector<std::string>> ArmMissing(
      const std::vector<std::pair<std::string, absl::Time>>& arm) = 0;
  // Atomically claims up to `limit` timers due at or before `now`, after first returning expired leases to the
  // pending set; leased until `lease_until`, with an intent recorded at `now` for those without one. Two claimers
  // never receive the same timer under one lease.
  virtual absl::StatusOr<std::vector<ClaimedTimer>> Claim(absl::Time now, int limit, absl::Time lease_until) = 0;
  // Ends claims taken with `lease_until` and still held under it (a claim that expired and was taken again is
  // left to its new claimer): the timers are gone with their intents, unless armed again during the claim (see
  // Apply).
  virtual absl::Status Ack(const std::vector<std::string>& members, absl::Time lease_until) = 0;
  // Makes claimed timers (taken with `lease_until`, still held under it) pending again at the given times; their
  // intents go unless `maybe_published`.
  virtual absl::Status Release(const std::vector<ReleasedTimer>& timers, absl::Time lease_until) = 0;
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

// The timer and due-index effects of one applied case version, completed in one step. Thread-safe.
class ClockEffectsStore {
 public:
  virtual ~ClockEffectsStore() = default;

  // Arms and cancels timers as TimerStore::Apply does and applies `due` as DueIndex::Apply does, then records that
  // the effects of `version` are complete (StoredCase::done) if the case is still at `version` — in that order, and
  // nothing is recorded complete unless all of it was applied. Returns how many timers were newly armed.
  virtual absl::StatusOr<int64_t> Complete(const std::string& case_id, int64_t version,
                                           const std::vector<std::pair<std::string, absl::Time>>& arm,
                                           const std::vector<std::string>& cancel,
                                           const std::vector<DueEntry>& due) = 0;
};

// Publishes the SLA service's advisory events. Thread-safe.
class SlaEventSink {
 public:
  virtual ~SlaEventSink() = default;
  // One status per event, in order; OK means durable.
  virtual std::vector<absl::Status> PublishAll(const std::vector<v1::CaseEvent>& events) = 0;
};

// The SLA topic as it stands: which alarm events reached it. Thread-safe.
class PublishedAlarms {
 public:
  virtual ~PublishedAlarms() = default;
  // Those of `event_ids` (events of the cases `case_ids`) that the SLA topic holds among its records timestamped at
  // or after `since`, read up to the topic's end as of the call; by event id.
  virtual absl::StatusOr<std::map<std::string, v1::CaseEvent>> Find(const absl::flat_hash_set<std::string>& case_ids,
                                                                    const absl::flat_hash_set<std::string>& event_ids,
                                                                    absl::Time since) = 0;
};

}  // namespace gridcase::sla
