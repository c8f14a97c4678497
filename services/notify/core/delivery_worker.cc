#include "services/notify/core/delivery_worker.h"

#include "libs/faults/crash_point.h"

namespace gridcase::notify {

absl::StatusOr<int> DeliveryWorker::RunOnce() {
  const std::string& target = options_.target;
  auto leased = queue_->Lease(target, options_.owner, options_.lease);
  if (!leased.ok()) return leased.status();
  if (!*leased) return 0;
  auto due = queue_->Due(target, now_(), options_.batch);
  if (!due.ok()) return due.status();
  int handled = 0;
  for (const std::string& id : *due) {
    // Each send may take up to its timeout: the lease must outlast it.
    auto renewed = queue_->Lease(target, options_.owner, options_.lease);
    if (!renewed.ok()) return renewed.status();
    if (!*renewed) return handled;
    auto attempt = queue_->Begin(target, options_.owner, id, now_());
    if (absl::IsFailedPrecondition(attempt.status())) continue;  // No longer due, or the lease moved.
    if (!attempt.ok()) return attempt.status();
    SendOutcome outcome = sender_->Send(*attempt);
    const absl::Time now = now_();
    absl::Status recorded;
    switch (outcome.kind) {
      case SendOutcome::Kind::kDelivered:
        faults::CrashPoint("notify.after_send");
        recorded = queue_->Delivered(target, options_.owner, id, now);
        if (recorded.ok() && observer_.delivered) {
          observer_.delivered(*attempt, now - attempt->outbound.occurred_at, outcome.note);
        }
        break;
      case SendOutcome::Kind::kFailed: {
        const absl::Time first = std::min(attempt->first_try, now);
        const bool park = now - first >= options_.retry.park_after;
        const absl::Time retry_at = now + options_.retry.Backoff(attempt->attempts + 1);
        recorded = queue_->Failed(target, options_.owner, id, outcome.error, retry_at, park, now);
        if (recorded.ok()) {
          if (park && observer_.parked) observer_.parked(*attempt, outcome.error);
          if (!park && observer_.retried) observer_.retried(*attempt, outcome.error);
        }
        break;
      }
      case SendOutcome::Kind::kDeferred:
        recorded = queue_->Deferred(target, options_.owner, id, outcome.until);
        break;
    }
    if (absl::IsFailedPrecondition(recorded)) return handled;  // The lease moved while sending.
    if (!recorded.ok()) return recorded;
    ++handled;
  }
  return handled;
}

}  // namespace gridcase::notify
