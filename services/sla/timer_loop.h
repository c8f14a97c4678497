#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// What became of one claimed timer.
struct TimerOutcome {
  enum class Kind {
    kDone,     // Fired or no longer needed: acknowledge (remove).
    kRetryAt,  // Not fired now: pending again at `at` (later threshold, or a failure to retry).
  };
  Kind kind = Kind::kDone;
  absl::Time at;
  // kRetryAt after a publish that may have reached the topic (it failed without saying whether): the claim intent
  // stays, so the next claimer looks on the topic first.
  bool maybe_published = false;
};

// Handles timers that came due. Called from one thread at a time.
class DueTimerHandler {
 public:
  virtual ~DueTimerHandler() = default;
  // One outcome per timer, in order. Must not return kDone for a timer whose effect is not durable. A publish may
  // start only before `publish_by` (half the lease after the claim), so that it has settled, delivered or failed, well
  // before the lease expires and another claimer may take the timer.
  virtual std::vector<TimerOutcome> HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now,
                                              absl::Time publish_by) = 0;
};

// The firing loop: claims due timers in batches (a claim is leased, so replicas share the work and a timer taken by a
// process that died comes due again when the lease expires), hands them to the handler, then acknowledges or
// re-arms each. Between batches it sleeps until the next pending timer or `poll`, whichever is sooner, so a timer
// armed by another replica is seen within `poll`. A timer is never claimed before its time; after a restart
// everything that came due meanwhile is claimed at once, batch after batch.
class TimerLoop {
 public:
  struct Options {
    absl::Duration poll = absl::Milliseconds(100);
    // Longer than a batch can take to handle; a publish starts only in its first half (see DueTimerHandler), and the
    // producer's delivery timeout must be at most a quarter of it (main.cc sets it so).
    absl::Duration lease = absl::Seconds(30);
    int batch = 256;
    absl::Duration retry_backoff = absl::Seconds(1);  // After a store error.
    // How often the open-timers count is refreshed (0: never).
    absl::Duration count_every = absl::Seconds(1);
  };

  // `timers` and `handler` must outlive the loop.
  TimerLoop(TimerStore* timers, DueTimerHandler* handler, std::function<absl::Time()> now, Options options);

  // Claims and handles one batch; returns how many timers it claimed.
  absl::StatusOr<int> RunOnce();
  // Runs until Stop(); a batch in progress completes first.
  void Run();
  void Stop();
  // Open timers (pending + claimed) at the last refresh; -1 before the first.
  int64_t open_timers() const { return open_timers_.load(); }

 private:
  void Sleep(absl::Duration duration);

  TimerStore* timers_;
  DueTimerHandler* handler_;
  std::function<absl::Time()> now_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<int64_t> open_timers_{-1};
};

}  // namespace gridcase::sla
