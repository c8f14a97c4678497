#include "libs/server/blocking_pool.h"

namespace gridcase::server {

BlockingPool::BlockingPool(int threads, size_t max_queued, absl::Duration max_wait, Clock clock)
    : max_queued_(max_queued), max_wait_(max_wait), clock_(std::move(clock)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> task;
        {
          std::unique_lock lock(mu_);
          ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
          if (tasks_.empty()) return;
          task = std::move(tasks_.front().task);
          tasks_.pop_front();
        }
        task();
      }
    });
  }
}

BlockingPool::~BlockingPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool BlockingPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (tasks_.size() >= max_queued_) return false;
    const auto now = clock_();
    if (!tasks_.empty() && max_wait_ != absl::InfiniteDuration() &&
        absl::FromChrono(now - tasks_.front().at) > max_wait_) {
      return false;
    }
    tasks_.push_back({std::move(task), now});
  }
  ready_.notify_one();
  return true;
}

absl::Status StillWanted(std::chrono::system_clock::time_point deadline, bool cancelled,
                         std::chrono::system_clock::time_point now) {
  if (cancelled) return absl::CancelledError("the caller cancelled the call before it was handled");
  if (deadline <= now) {
    return absl::DeadlineExceededError("the call's deadline passed while it waited to be handled; nothing was done");
  }
  return absl::OkStatus();
}

absl::Status Busy() {
  return absl::ResourceExhaustedError("the server is busy: too many requests are waiting; retry in a second");
}

}  // namespace gridcase::server
