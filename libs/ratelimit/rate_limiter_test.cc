#include "libs/ratelimit/rate_limiter.h"

#include "gtest/gtest.h"

namespace gridcase::ratelimit {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1772323200);

TEST(TokenBucketTest, StartsFullAndRefusesBeyondTheBurst) {
  TokenBucket bucket({.rate_per_second = 2, .burst = 3}, kStart);
  EXPECT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(kStart), absl::Milliseconds(500));
}

TEST(TokenBucketTest, RefillsAtTheRateUpToTheBurst) {
  TokenBucket bucket({.rate_per_second = 10, .burst = 2}, kStart);
  ASSERT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  ASSERT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  absl::Duration wait = bucket.TryTake(kStart);
  EXPECT_EQ(wait, absl::Milliseconds(100));
  EXPECT_GT(bucket.TryTake(kStart + absl::Milliseconds(99)), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(kStart + wait), absl::ZeroDuration());
  // A long pause refills to the burst, not beyond.
  absl::Time later = kStart + absl::Hours(1);
  EXPECT_EQ(bucket.TryTake(later), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(later), absl::ZeroDuration());
  EXPECT_GT(bucket.TryTake(later), absl::ZeroDuration());
}

TEST(TokenBucketTest, ClockGoingBackwardsAddsNothing) {
  TokenBucket bucket({.rate_per_second = 1, .burst = 1}, kStart);
  ASSERT_EQ(bucket.TryTake(kStart), absl::ZeroDuration());
  EXPECT_GT(bucket.TryTake(kStart - absl::Hours(1)), absl::ZeroDuration());
  EXPECT_GT(bucket.TryTake(kStart + absl::Milliseconds(500)), absl::ZeroDuration());
  EXPECT_EQ(bucket.TryTake(kStart + absl::Seconds(1)), absl::ZeroDuration());
}

TEST(RateLimiterTest, KeepsOneBucketPerClient) {
  RateLimiter limiter;
  RateLimit one = {.rate_per_second = 1, .burst = 1};
  EXPECT_EQ(limiter.Admit("a", one, kStart), absl::ZeroDuration());
  EXPECT_GT(limiter.Admit("a", one, kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("b", one, kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("a", one, kStart + absl::Seconds(1)), absl::ZeroDuration());
}

TEST(RateLimiterTest, AppliesAChangedLimitToTheClientsBucket) {
  RateLimiter limiter;
  RateLimit slow = {.rate_per_second = 1, .burst = 1};
  RateLimit fast = {.rate_per_second = 10, .burst = 2};
  EXPECT_EQ(limiter.Admit("a", slow, kStart), absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("a", slow, kStart), absl::Seconds(1));
  // The bucket is empty; at the new rate a token comes in a tenth of a second.
  EXPECT_EQ(limiter.Admit("a", fast, kStart), absl::Milliseconds(100));
  EXPECT_EQ(limiter.Admit("a", fast, kStart + absl::Milliseconds(100)), absl::ZeroDuration());
  // Refilled to the fast burst of 2 by then; back to the slow limit, the bucket keeps no more than its burst of 1.
  EXPECT_EQ(limiter.Admit("a", slow, kStart + absl::Seconds(10)), absl::ZeroDuration());
  EXPECT_EQ(limiter.Admit("a", slow, kStart + absl::Seconds(10)), absl::Seconds(1));
}

}  // namespace
}  // namespace gridcase::ratelimit
