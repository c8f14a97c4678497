#pragma once

#include "libs/redis/redis_client.h"
#include "services/sla/adapters/sla_keys.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// TimerStore in Redis: a sorted set of pending timers scored by fire time, a sorted set of claimed timers scored by
// lease expiry, and two small hashes that hold entries only while a timer is claimed — its claim intent and a fire
// time asked for by arming during the claim (keys in sla_keys.h). Arming, claiming, acknowledging and releasing are
// Lua scripts, so a timer moves between the sets with its intent atomically and two claimers never take the same one;
// the lease expiry doubles as the claim's token (acknowledging or releasing touches only claims still held under it). Arming many timers sends one script per chunk of
// `kArmChunk`, all pipelined in one round trip.
class RedisTimerStore : public TimerStore {
 public:
  static constexpr int kArmChunk = 500;

  // `redis` must outlive the store.
  RedisTimerStore(redis::RedisClient* redis, SlaKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  absl::StatusOr<int64_t> Apply(const std::vector<std::pair<std::string, absl::Time>>& arm,
                                const std::vector<std::string>& cancel) override;
  absl::StatusOr<std::vector<std::string>> ArmMissing(
      const std::vector<std::pair<std::string, absl::Time>>& arm) override;
  absl::StatusOr<std::vector<ClaimedTimer>> Claim(absl::Time now, int limit, absl::Time lease_until) override;
  absl::Status Ack(const std::vector<std::string>& members, absl::Time lease_until) override;
  absl::Status Release(const std::vector<ReleasedTimer>& timers, absl::Time lease_until) override;
  absl::StatusOr<std::optional<absl::Time>> NextDue() override;
  absl::StatusOr<int64_t> Count() override;

 private:
  redis::RedisClient* redis_;
  SlaKeys keys_;
};

// ClockEffectsStore in Redis: one script over the timer sets (as RedisTimerStore::Apply), the due index (as
// RedisDueIndex) and the case hash (`done`, as RedisCaseClockStore writes it). The script touches keys of several
// hash tags: it needs a single Redis node, not a Cluster.
class RedisClockEffects : public ClockEffectsStore {
 public:
  // `redis` must outlive the store.
  RedisClockEffects(redis::RedisClient* redis, SlaKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  absl::StatusOr<int64_t> Complete(const std::string& case_id, int64_t version,
                                   const std::vector<std::pair<std::string, absl::Time>>& arm,
                                   const std::vector<std::string>& cancel, const std::vector<DueEntry>& due) override;

 private:
  redis::RedisClient* redis_;
  SlaKeys keys_;
};

}  // namespace gridcase::sla
