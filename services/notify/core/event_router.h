#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// Turns the case events of the log into queued deliveries, each exactly once whatever is redelivered.
//
// A versioned event is applied in case-version order: its deliveries (PlanDeliveries on the case before it) are
// enqueued — idempotently, by target and delivery id — and only then is the case's new state saved, fenced by
// version. A crash between the two redelivers the event, plans the same deliveries from the same saved state and
// enqueues nothing new. deadline_set records the case's expected completion time; other advisory events are ignored.
class EventRouter {
 public:
  enum class Outcome {
    kApplied,          // Its deliveries are queued and the case state saved (durable).
    kDuplicate,        // Applied before: nothing to do.
    kWaitForEarlier,   // A version in between is not applied yet (it is on another topic): retry later.
    kIgnored,          // Nothing to send for it (advisory, or a case notify never saw begin).
  };

  // Pointers must outlive the router. An event that occurred more than `max_age` before it is routed updates the
  // case's state and sends nothing: a new deployment reading the log from its start, or one back after a longer
  // outage, does not text residents about old steps.
  EventRouter(CaseStateStore* cases, IntegrationStore* integrations, DeliveryQueue* queue,
              std::function<absl::Time()> now, absl::Duration max_age = absl::InfiniteDuration())
      : cases_(cases), integrations_(integrations), queue_(queue), now_(std::move(now)), max_age_(max_age) {}

  // INVALID_ARGUMENT for an event that cannot apply to its case (poison); UNAVAILABLE when a store fails (retry).
  absl::StatusOr<Outcome> Route(const v1::CaseEvent& event);

 private:
  CaseStateStore* cases_;
  IntegrationStore* integrations_;
  DeliveryQueue* queue_;
  std::function<absl::Time()> now_;
  absl::Duration max_age_;
};

}  // namespace gridcase::notify
