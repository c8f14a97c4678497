#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gridcase::ratelimit {

// A steady rate with room for bursts: `rate_per_second` tokens are added continuously, up to `burst`.
struct RateLimit {
  double rate_per_second = 0;
  double burst = 0;
  bool operator==(const RateLimit&) const = default;
};

// One token bucket, starting full. Not thread-safe (RateLimiter serialises access).
class TokenBucket {
 public:
  TokenBucket(RateLimit limit, absl::Time now) : limit_(limit), tokens_(limit.burst), refilled_at_(now) {}

  // Takes one token when one is available and returns zero; otherwise takes nothing and returns how long until the
  // next token is available. A clock that goes backwards adds no tokens.
  absl::Duration TryTake(absl::Time now);

  // From `now` on, refills at the new rate up to the new burst; tokens above the new burst are dropped.
  void SetLimit(RateLimit limit, absl::Time now);
  const RateLimit& limit() const { return limit_; }

 private:
  void Refill(absl::Time now);

  RateLimit limit_;
  double tokens_;
  absl::Time refilled_at_;
};

// Token buckets per client (API key name), created on first use; a client's bucket takes the limit of each call
// (a reloaded key file may change it) without losing its tokens. Thread-safe.
class RateLimiter {
 public:
  // Zero when the call may proceed; otherwise the time to wait (for a Retry-After header) — the call was refused.
  absl::Duration Admit(absl::string_view client, const RateLimit& limit, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, TokenBucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::ratelimit
