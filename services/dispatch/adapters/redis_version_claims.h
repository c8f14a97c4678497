#pragma once

#include "libs/events/keys.h"
#include "libs/redis/redis_client.h"
#include "services/dispatch/version_claims.h"

namespace gridcase::dispatch {

// VersionClaims in Redis, one Lua script per operation:
// - `dispatch:claim:{<case>}:<version>`: hash {event, after, state (pending|published)}; a pending claim never
//   expires, a published one after the idempotency window;
// - `dispatch:request:{<case>}:<request id>`: the version a request claimed (idempotency window);
// - `dispatch:claims:pending`: sorted set of "<case>|<version>" by claim time (ms), for the resolver.
class RedisVersionClaims : public VersionClaims {
 public:
  // `redis` must outlive the claims. `idempotency_window`: how long a confirmed claim and a request id are kept.
  RedisVersionClaims(redis::RedisClient* redis, events::Keys keys, absl::Duration idempotency_window)
      : redis_(redis), keys_(std::move(keys)), window_(idempotency_window) {}

  absl::StatusOr<ClaimResult> Claim(const v1::CaseEvent& event, const v1::Case& after,
                                    const std::string& request_id) override;
  absl::StatusOr<std::optional<VersionClaim>> Get(const std::string& case_id, int64_t version) override;
  absl::StatusOr<std::optional<VersionClaim>> FindRequest(const std::string& case_id,
                                                          const std::string& request_id) override;
  absl::Status MarkPublished(const std::string& case_id, int64_t version) override;
  absl::StatusOr<std::vector<VersionClaim>> TakePending(absl::Time claimed_before, absl::Duration lease,
                                                        int limit) override;

 private:
  std::string ClaimKey(const std::string& case_id, int64_t version) const;
  std::string ClaimKeyPrefix(const std::string& case_id) const;
  std::string RequestKey(const std::string& case_id, const std::string& request_id) const;
  std::string PendingKey() const;

  redis::RedisClient* redis_;
  events::Keys keys_;
  absl::Duration window_;
};

}  // namespace gridcase::dispatch
