#include "libs/server/blocking_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace gridcase::server {
namespace {

TEST(BlockingPoolTest, RefusesATaskBeyondTheQueueAndRunsEveryAcceptedOne) {
  std::atomic<int> ran{0};
  absl::Notification release;
  absl::Notification started;
  {
    BlockingPool pool(1, 2);
    // The one thread is busy; two tasks may wait; a third is refused, and runs after room is made.
    ASSERT_TRUE(pool.Submit([&] {
      started.Notify();
      release.WaitForNotification();
      ++ran;
    }));
    started.WaitForNotification();
    EXPECT_TRUE(pool.Submit([&] { ++ran; }));
    EXPECT_TRUE(pool.Submit([&] { ++ran; }));
    EXPECT_FALSE(pool.Submit([&] { ++ran; }));
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(Busy().code(), absl::StatusCode::kResourceExhausted);
}

TEST(StillWantedTest, AQueuedCallPastItsDeadlineOrCancelledIsNotRun) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(StillWanted(now + std::chrono::seconds(1), false, now).ok());
  EXPECT_TRUE(StillWanted(std::chrono::system_clock::time_point::max(), false, now).ok()) << "no deadline";
  EXPECT_EQ(StillWanted(now, false, now).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StillWanted(now - std::chrono::milliseconds(1), false, now).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StillWanted(now + std::chrono::seconds(1), true, now).code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace gridcase::server
