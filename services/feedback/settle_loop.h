#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "services/feedback/core/rating_desk.h"
#include "services/feedback/core/rating_store.h"

namespace gridcase::feedback {

struct SettleLoopOptions {
  absl::Duration poll = absl::Seconds(1);
  absl::Duration lease = absl::Minutes(1);  // A member taken and not finished comes back after this.
  int batch = 100;
};

// Polls the rating schedule (RatingStore::TakeDue) and runs what is due: closing closures whose rating window passed
// (REASON_NOT_RATED), carrying out stored ratings, catching up escalations. Members are leased, so replicas share the
// work; a failed run is retried when its lease ends. Start() runs it on its own thread until Stop().
class SettleLoop {
 public:
  // Pointers must outlive the loop.
  SettleLoop(RatingStore* store, RatingDesk* desk, SettleLoopOptions options, std::function<absl::Time()> now)
      : store_(store), desk_(desk), options_(options), now_(std::move(now)) {}
  ~SettleLoop() { Stop(); }

  void Start();
  void Stop();
  // One pass over the due members; how many ran to completion.
  int RunOnce();

 private:
  RatingStore* store_;
  RatingDesk* desk_;
  SettleLoopOptions options_;
  std::function<absl::Time()> now_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gridcase::feedback
