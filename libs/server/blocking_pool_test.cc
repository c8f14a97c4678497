#include "libs/server/blocking_pool.h"

#include <atomic>
#include <chrono>
#include <thread>

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

TEST(BlockingPoolTest, RefusesWhileTheOldestWaitingTaskHasWaitedTooLong) {
  std::atomic<int64_t> now_ms{0};
  auto clock = [&] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms.load())); };
  std::atomic<int> ran{0};
  absl::Notification release;
  absl::Notification started;
  {
    BlockingPool pool(1, 100, absl::Milliseconds(250), clock);
    ASSERT_TRUE(pool.Submit([&] {
      started.Notify();
      release.WaitForNotification();
      ++ran;
    }));
    started.WaitForNotification();
    EXPECT_TRUE(pool.Submit([&] { ++ran; }));  // Waits from t=0.
    now_ms = 250;
    EXPECT_TRUE(pool.Submit([&] { ++ran; })) << "the oldest has waited 250 ms, not more";
    now_ms = 251;
    EXPECT_FALSE(pool.Submit([&] { ++ran; })) << "the oldest has waited 251 ms";
    release.Notify();
    // Once the backlog is gone, tasks are taken again.
    for (int i = 0; i < 1000 && ran.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(ran.load(), 3);
    EXPECT_TRUE(pool.Submit([&] { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 4);
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
