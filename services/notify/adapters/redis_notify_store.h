#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/redis/redis_client.h"
#include "services/notify/core/notice_sender.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// notify's state in Redis (keys under `prefix`; docs/NOTIFY.md, "State in Redis"):
//   notify:case:{<case>}            hash  version, case (serialized, residents sealed), due_ms, due_cycle, source
//   notify:integrations             hash  name → serialized v1::Integration
//   notify:d:{<target>}:<id>        hash  a delivery: its message, state, attempts, times, last_error, doubt
//   notify:cq:{<target>}:<case>     list  the case's deliveries not yet delivered or parked, in order
//   notify:due:{<target>}           zset  the head of each case's list, by the time it is due (ms)
//   notify:log:{<target>}           zset  every delivery, by its event's time (ms): listing and replay
//   notify:parked:{<target>}        zset  parked deliveries, by the time they parked (ms)
//   notify:held:{<target>}          set   cases with parked deliveries (their new deliveries park behind them)
//   notify:lease:{<target>}         string the worker that sends the target's deliveries (expires)
//   notify:seq:{<target>}           counter, the order of enqueueing
//   notify:phone:{<token>}:<window> counter of SMS to a phone token in a window (expires)
// Every change to a target's deliveries is one Lua script on the target's hash slot.
class RedisNotifyStore : public CaseStateStore,
                         public IntegrationStore,
                         public DeliveryQueue,
                         public PhoneCounter {
 public:
  // `redis` must outlive the store. Delivered deliveries are kept for `retention` (replay reaches that far back).
  RedisNotifyStore(redis::RedisClient* redis, std::string prefix, absl::Duration retention)
      : redis_(redis), prefix_(std::move(prefix)), retention_(retention) {}

  // CaseStateStore.
  absl::StatusOr<CaseState> Load(const std::string& case_id) override;
  absl::StatusOr<bool> Save(const CaseState& state) override;
  absl::Status SetDue(const std::string& case_id, int cycle, absl::Time due) override;

  // IntegrationStore.
  absl::StatusOr<std::vector<v1::Integration>> List() override;
  absl::StatusOr<bool> Put(const v1::Integration& integration) override;
  absl::Status Remove(const std::string& name) override;

  // DeliveryQueue.
  absl::StatusOr<bool> Enqueue(const Outbound& outbound, absl::Time now) override;
  absl::StatusOr<bool> Lease(const std::string& target, const std::string& owner, absl::Duration ttl) override;
  absl::StatusOr<std::vector<std::string>> Due(const std::string& target, absl::Time now, int limit) override;
  absl::StatusOr<Attempt> Begin(const std::string& target, const std::string& owner, const std::string& id,
                                absl::Time now) override;
  absl::Status Delivered(const std::string& target, const std::string& owner, const std::string& id,
                         absl::Time now) override;
  absl::Status Failed(const std::string& target, const std::string& owner, const std::string& id,
                      const std::string& error, absl::Time retry_at, bool park, absl::Time now) override;
  absl::Status Deferred(const std::string& target, const std::string& owner, const std::string& id,
                        absl::Time until) override;
  absl::StatusOr<Page> ListParked(const std::string& target, int page_size, const std::string& page_token) override;
  absl::StatusOr<int> Replay(const std::string& target, absl::Time from, bool parked_only, absl::Time now) override;
  absl::StatusOr<int64_t> ParkedCount(const std::string& target) override;

  // PhoneCounter.
  absl::StatusOr<int64_t> Add(const std::string& phone_token, absl::Time window_start, absl::Duration window) override;

  // The delivery as operators see it; NOT_FOUND when there is none.
  absl::StatusOr<v1::Delivery> Get(const std::string& target, const std::string& id);

 private:
  std::string Key(const std::string& kind, const std::string& target) const;
  std::string DeliveryPrefix(const std::string& target) const;
  std::string CaseQueuePrefix(const std::string& target) const;

  redis::RedisClient* redis_;
  std::string prefix_;
  absl::Duration retention_;
};

}  // namespace gridcase::notify
