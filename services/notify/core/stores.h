#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "services/notify/core/outbound.h"

namespace gridcase::notify {

// What notify keeps of a case to plan its messages: the fold of its versioned events (residents sealed, as in the
// log) and the completion due time the SLA service last announced.
struct CaseState {
  int64_t version = 0;  // 0: unknown case.
  v1::Case case_view;
  std::optional<absl::Time> due;  // From deadline_set (completion clock); else the case's own due_at applies.
  int due_cycle = 0;              // The cycle `due` belongs to.
  std::string source;             // SourceOfSubmission of its submitted event.
};

// notify's record of the cases it follows. Implementations: Redis (adapters/redis_notify_store.h).
class CaseStateStore {
 public:
  virtual ~CaseStateStore() = default;
  virtual absl::StatusOr<CaseState> Load(const std::string& case_id) = 0;
  // Stores `state` (version v) only if the stored version is v - 1: returns false (nothing written) otherwise.
  virtual absl::StatusOr<bool> Save(const CaseState& state) = 0;
  // Records the completion due time of the case's `cycle`; a due time of an older cycle than one recorded is ignored.
  virtual absl::Status SetDue(const std::string& case_id, int cycle, absl::Time due) = 0;
};

// The integrations registered for callbacks.
class IntegrationStore {
 public:
  virtual ~IntegrationStore() = default;
  virtual absl::StatusOr<std::vector<v1::Integration>> List() = 0;
  // Returns whether a registration of that name was replaced.
  virtual absl::StatusOr<bool> Put(const v1::Integration& integration) = 0;
  // NOT_FOUND when none has that name.
  virtual absl::Status Remove(const std::string& name) = 0;
};

// The durable queues of outbound messages, one per target (an integration, kSmsTarget, kPushTarget). Within a target
// a case's deliveries go out one at a time in the order they were enqueued; cases do not wait for each other. Every
// operation that changes a delivery is fenced by the target's lease: one worker in the whole deployment sends a
// target's messages at a time.
class DeliveryQueue {
 public:
  virtual ~DeliveryQueue() = default;

  // Adds the delivery unless one with its target and id exists (then nothing changes: false). A delivery of a case
  // that has parked deliveries in the target is parked behind them.
  virtual absl::StatusOr<bool> Enqueue(const Outbound& outbound, absl::Time now) = 0;

  // Takes or renews the target's lease for `owner`; false when another owner holds it.
  virtual absl::StatusOr<bool> Lease(const std::string& target, const std::string& owner, absl::Duration ttl) = 0;
  // Ids of deliveries that are due (the head of their case, not before their time), earliest first.
  virtual absl::StatusOr<std::vector<std::string>> Due(const std::string& target, absl::Time now, int limit) = 0;
  // Records that an attempt starts (the intent, durable before anything is sent) and returns the delivery.
  // FAILED_PRECONDITION when `owner` lost the lease or the delivery is no longer due.
  virtual absl::StatusOr<Attempt> Begin(const std::string& target, const std::string& owner, const std::string& id,
                                        absl::Time now) = 0;
  // The outcome of the attempt begun last. Delivered: the case's next delivery becomes due. Failed: due again at
  // `retry_at`, or parked with every later delivery of its case when `park`. Deferred: due again at `until`, not
  // counted as an attempt.
  virtual absl::Status Delivered(const std::string& target, const std::string& owner, const std::string& id,
                                 absl::Time now) = 0;
  virtual absl::Status Failed(const std::string& target, const std::string& owner, const std::string& id,
                              const std::string& error, absl::Time retry_at, bool park, absl::Time now) = 0;
  virtual absl::Status Deferred(const std::string& target, const std::string& owner, const std::string& id,
                                absl::Time until) = 0;

  // Operators.
  struct Page {
    std::vector<v1::Delivery> deliveries;
    std::string next_page_token;
  };
  virtual absl::StatusOr<Page> ListParked(const std::string& target, int page_size, const std::string& page_token) = 0;
  // Queues again, in their cases' order, the deliveries whose event occurred at or after `from` (only the parked
  // ones when `parked_only`), and with them every parked delivery of the same cases. Returns how many were queued.
  virtual absl::StatusOr<int> Replay(const std::string& target, absl::Time from, bool parked_only, absl::Time now) = 0;
  virtual absl::StatusOr<int64_t> ParkedCount(const std::string& target) = 0;
};

}  // namespace gridcase::notify
