#include "services/feedback/settle_loop.h"

#include "libs/log/log.h"
#include "services/feedback/feedback_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::feedback {

void SettleLoop::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.poll), [this] { return stopping_; });
    }
  });
}

void SettleLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int SettleLoop::RunOnce() {
  auto due = store_->TakeDue(now_(), options_.lease, options_.batch);
  if (!due.ok()) {
    spdlog::warn("msg=settle_poll_failed error={}", log::Quote(due.status().ToString()));
    return 0;
  }
  int done = 0;
  for (const std::string& member : *due) {
    auto next = desk_->RunScheduled(member);
    if (!next.ok()) {
      FeedbackMetrics::Get().Settlement("failed").Increment();
      spdlog::warn("msg=settle_failed member={} error={}", member, log::Quote(next.status().ToString()));
      continue;  // Comes back when the lease ends.
    }
    absl::Status s = next->has_value() ? store_->Schedule(member, **next) : store_->Unschedule(member);
    if (!s.ok()) {
      spdlog::warn("msg=settle_reschedule_failed member={} error={}", member, log::Quote(s.ToString()));
      continue;
    }
    if (!next->has_value()) {
      ++done;
      spdlog::info("msg=settled member={}", member);
    }
  }
  return done;
}

}  // namespace gridcase::feedback
