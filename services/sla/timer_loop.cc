#include "services/sla/timer_loop.h"

#include <algorithm>

#include "libs/log/log.h"
#include "services/sla/sla_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

TimerLoop::TimerLoop(TimerStore* timers, DueTimerHandler* handler, std::function<absl::Time()> now, Options options)
    : timers_(timers), handler_(handler), now_(std::move(now)), options_(options) {}

absl::StatusOr<int> TimerLoop::RunOnce() {
  const absl::Time now = now_();
  const absl::Time lease_until = now + options_.lease;
  absl::StatusOr<std::vector<ClaimedTimer>> claimed = timers_->Claim(now, options_.batch, lease_until);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return 0;
  std::vector<TimerOutcome> outcomes = handler_->HandleDue(*claimed, now, now + options_.lease / 2);
  std::vector<std::string> done;
  std::vector<ReleasedTimer> again;
  for (size_t i = 0; i < claimed->size(); ++i) {
    // A handler that gave no outcome for a timer leaves it to the lease.
    if (i >= outcomes.size()) break;
    if (outcomes[i].kind == TimerOutcome::Kind::kDone) {
      done.push_back((*claimed)[i].member);
    } else {
      again.push_back({(*claimed)[i].member, outcomes[i].at, outcomes[i].maybe_published});
    }
  }
  if (absl::Status status = timers_->Ack(done, lease_until); !status.ok()) return status;
  if (absl::Status status = timers_->Release(again, lease_until); !status.ok()) return status;
  return static_cast<int>(claimed->size());
}

void TimerLoop::Run() {
  absl::Time counted = absl::InfinitePast();
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (options_.count_every > absl::ZeroDuration() && now_() - counted >= options_.count_every) {
      counted = now_();
      if (absl::StatusOr<int64_t> count = timers_->Count(); count.ok()) {
        open_timers_ = *count;
        SlaMetrics::Get().open_timers.Set(static_cast<double>(*count));
      }
    }
    absl::StatusOr<int> handled = RunOnce();
    if (!handled.ok()) {
      spdlog::warn("msg=timer_loop_error error={}", log::Quote(handled.status().ToString()));
      Sleep(options_.retry_backoff);
      continue;
    }
    if (*handled >= options_.batch) continue;  // More may be due.
    absl::Duration sleep = options_.poll;
    if (absl::StatusOr<std::optional<absl::Time>> next = timers_->NextDue(); next.ok() && next->has_value()) {
      sleep = std::clamp(**next - now_(), absl::ZeroDuration(), options_.poll);
    }
    if (sleep > absl::ZeroDuration()) Sleep(sleep);
  }
}

void TimerLoop::Sleep(absl::Duration duration) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, absl::ToChronoNanoseconds(duration), [&] { return stopping_; });
}

void TimerLoop::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  wake_.notify_all();
}

}  // namespace gridcase::sla
