#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/core/delivery_policy.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// What one attempt came to.
struct SendOutcome {
  enum class Kind {
    kDelivered,  // The receiver has it (or there was nothing to send: `note` says why).
    kFailed,     // Not delivered: tried again after the backoff, parked after RetryPolicy::park_after.
    kDeferred,   // Not to be sent yet (quiet hours, the phone's limit, …): due again at `until`; no failure.
  };
  Kind kind = Kind::kDelivered;
  std::string error;  // kFailed: why, without any secret or personal data.
  absl::Time until;   // kDeferred.
  std::string note;   // kDelivered: "skipped: …" when nothing was sent.

  static SendOutcome Delivered(std::string note = "") { return {.kind = Kind::kDelivered, .note = std::move(note)}; }
  static SendOutcome Failed(std::string error) { return {.kind = Kind::kFailed, .error = std::move(error)}; }
  static SendOutcome Deferred(absl::Time until) { return {.kind = Kind::kDeferred, .until = until}; }
};

// Sends one delivery of a target. Implementations must make an attempt that follows an in-doubt one (Attempt::in_doubt)
// harmless for the receiver: the same event id and body (callbacks), or a look-up of the earlier message before
// sending again (notices).
class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendOutcome Send(const Attempt& attempt) = 0;
};

// What a worker reports, for metrics and logs.
struct DeliveryObserver {
  std::function<void(const Attempt&, absl::Duration lag, const std::string& note)> delivered;
  std::function<void(const Attempt&, const std::string& error)> retried;
  std::function<void(const Attempt&, const std::string& error)> parked;
};

// Sends the deliveries of one target, one at a time, as the only sender of that target while it holds the target's
// lease. For each due delivery: the intent is recorded (DeliveryQueue::Begin), the message sent, the outcome recorded.
// Between Begin and the outcome nothing else records anything for that delivery, so a crash there leaves it in doubt
// and the next worker's attempt is told so.
class DeliveryWorker {
 public:
  struct Options {
    std::string target;
    std::string owner;  // This process's lease owner id.
    absl::Duration lease = absl::Seconds(10);
    int batch = 32;
    RetryPolicy retry;
  };
  // Pointers must outlive the worker.
  DeliveryWorker(Options options, DeliveryQueue* queue, Sender* sender, DeliveryObserver observer,
                 std::function<absl::Time()> now)
      : options_(std::move(options)), queue_(queue), sender_(sender), observer_(std::move(observer)),
        now_(std::move(now)) {}

  // One pass: takes (or renews) the lease and sends what is due. Returns how many deliveries had an outcome
  // recorded; 0 without the lease. UNAVAILABLE when the queue cannot be reached.
  absl::StatusOr<int> RunOnce();

  const std::string& target() const { return options_.target; }

 private:
  Options options_;
  DeliveryQueue* queue_;
  Sender* sender_;
  DeliveryObserver observer_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::notify
