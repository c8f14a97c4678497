#pragma once

#include "libs/redis/redis_client.h"
#include "services/sla/adapters/sla_keys.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// CaseClockStore in Redis: one hash per case (version, done, state) written by a version-checked script (`done` by
// RedisClockEffects), and one set per case of the alarms that fired (keys in sla_keys.h). The fired set is written
// only by the firing loop and the hash only by the event consumer, so neither overwrites the other.
class RedisCaseClockStore : public CaseClockStore {
 public:
  // `redis` must outlive the store.
  RedisCaseClockStore(redis::RedisClient* redis, SlaKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  absl::StatusOr<StoredCase> Load(const std::string& case_id) override;
  absl::StatusOr<std::vector<StoredCase>> LoadMany(const std::vector<std::string>& case_ids) override;
  absl::StatusOr<bool> Save(const std::string& case_id, int64_t version, const v1::SlaCaseState& state) override;
  absl::Status MarkFired(const std::vector<std::pair<std::string, std::string>>& fired) override;
  absl::StatusOr<std::vector<std::optional<v1::SlaCaseState>>> LoadStates(
      const std::vector<std::string>& case_ids) override;

 private:
  redis::RedisClient* redis_;
  SlaKeys keys_;
};

// DueIndex in Redis: one sorted set scored by due time in unix milliseconds.
class RedisDueIndex : public DueIndex {
 public:
  RedisDueIndex(redis::RedisClient* redis, SlaKeys keys) : redis_(redis), keys_(std::move(keys)) {}

  absl::Status Apply(const std::vector<DueEntry>& entries) override;
  absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> Range(absl::Time from, absl::Time until, int offset,
                                                                        int limit) override;

 private:
  redis::RedisClient* redis_;
  SlaKeys keys_;
};

}  // namespace gridcase::sla
