#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gridcase::server {

// A fixed pool of threads for request handlers that block (waiting on Kafka acknowledgements, Redis round trips).
// Callback-API handlers hand their work here and finish the reactor from the pool, so gRPC's own threads never block.
// The queue is bounded in tasks and in time: a task that finds `max_queued` tasks waiting, or the oldest waiting task
// queued longer than `max_wait` ago, is refused, so an overloaded service answers RESOURCE_EXHAUSTED at once instead of
// answering late: the calls it accepts wait at most about `max_wait` for a thread, however long the overload lasts.
// The destructor runs every task already accepted, then joins.
class BlockingPool {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  BlockingPool(int threads, size_t max_queued, absl::Duration max_wait = absl::InfiniteDuration(),
               Clock clock = [] { return std::chrono::steady_clock::now(); });
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Queues `task`; false (and `task` is not run) when `max_queued` tasks are already waiting: answer the call with
  // Busy().
  [[nodiscard]] bool Submit(std::function<void()> task);

 private:
  struct Queued {
    std::function<void()> task;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Queued> tasks_;
  const size_t max_queued_;
  const absl::Duration max_wait_;
  const Clock clock_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// The answer to a call the pool refused: RESOURCE_EXHAUSTED, retry after a short wait.
absl::Status Busy();

// Whether a queued call is still worth running when a pool thread picks it up: DEADLINE_EXCEEDED once the caller's
// deadline has passed (it waited in the queue that long; the caller has given up and will retry with its
// idempotency key), CANCELLED when the caller cancelled, OK otherwise. Tasks check it before they change anything.
absl::Status StillWanted(std::chrono::system_clock::time_point deadline, bool cancelled,
                         std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace gridcase::server
