#include "libs/ratelimit/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace gridcase::ratelimit {

void TokenBucket::Refill(absl::Time now) {
  if (now > refilled_at_) {
    tokens_ = std::min(limit_.burst, tokens_ + absl::ToDoubleSeconds(now - refilled_at_) * limit_.rate_per_second);
    refilled_at_ = now;
  }
}

void TokenBucket::SetLimit(RateLimit limit, absl::Time now) {
  Refill(now);
  limit_ = limit;
  tokens_ = std::min(tokens_, limit_.burst);
}

absl::Duration TokenBucket::TryTake(absl::Time now) {
  Refill(now);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return absl::ZeroDuration();
  }
  if (limit_.rate_per_second <= 0) return absl::InfiniteDuration();
  // Rounded up to a whole microsecond so that waiting exactly this long always finds a token.
  double seconds = (1 - tokens_) / limit_.rate_per_second;
  return absl::Microseconds(std::ceil(seconds * 1e6));
}

absl::Duration RateLimiter::Admit(absl::string_view client, const RateLimit& limit, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(client), TokenBucket(limit, now)).first;
  } else if (!(it->second.limit() == limit)) {
    it->second.SetLimit(limit, now);
  }
  return it->second.TryTake(now);
}

}  // namespace gridcase::ratelimit
