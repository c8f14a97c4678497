#pragma once

#include <string>

#include "libs/redis/redis_client.h"
#include "services/intake/core/duplicates.h"
#include "services/intake/core/submission_store.h"

namespace gridcase::intake {

// SubmissionStore in Redis. Keys (with the deployment prefix):
//   intake:idem:{<channel>:<key>}  hash case_id, state (pending|published), event — one per submission
//   intake:seq:<yyyymmdd>          daily case number counter
//   intake:case:{<case id>}        the channel and key that reserved a case id
// Reservation is one Lua script, so two concurrent submits of one key get one case id.
class RedisSubmissionStore : public SubmissionStore {
 public:
  // `redis` must outlive the store. Idempotency records expire after `ttl_seconds` (0: never).
  RedisSubmissionStore(redis::RedisClient* redis, std::string prefix, int64_t ttl_seconds)
      : redis_(redis), prefix_(std::move(prefix)), ttl_seconds_(ttl_seconds) {}

  absl::StatusOr<Reservation> Reserve(v1::Channel channel, const std::string& idempotency_key,
                                      const std::string& day) override;
  absl::Status SaveEvent(v1::Channel channel, const std::string& idempotency_key,
                         const v1::CaseEvent& event) override;
  absl::Status MarkPublished(v1::Channel channel, const std::string& idempotency_key) override;
  absl::Status MarkLinked(v1::Channel channel, const std::string& idempotency_key,
                          const std::string& case_id) override;
  absl::StatusOr<std::optional<v1::Case>> SubmittedCase(const std::string& case_id) override;

 private:
  std::string IdemKey(v1::Channel channel, const std::string& idempotency_key) const;

  redis::RedisClient* redis_;
  std::string prefix_;
  int64_t ttl_seconds_;
};

// RecentCases in Redis: intake:recent:{<grid>}:<item> sorted by submit time (ms), trimmed to `keep`, and the texts
// in intake:recent-text:{<case id>}, all expiring after `keep`.
class RedisRecentCases : public RecentCases {
 public:
  RedisRecentCases(redis::RedisClient* redis, std::string prefix, absl::Duration keep)
      : redis_(redis), prefix_(std::move(prefix)), keep_(keep) {}

  absl::StatusOr<std::vector<Entry>> Since(const std::string& grid_code, const std::string& catalogue_item,
                                           absl::Time since) override;
  absl::Status Remember(const std::string& grid_code, const std::string& catalogue_item, const std::string& case_id,
                        absl::string_view text, absl::Time at) override;

 private:
  std::string Key(const std::string& grid_code, const std::string& catalogue_item) const;

  redis::RedisClient* redis_;
  std::string prefix_;
  absl::Duration keep_;
};

}  // namespace gridcase::intake
