#pragma once

#include "absl/status/status.h"
#include "libs/kafka/message.h"
#include "services/notify/core/event_router.h"

namespace gridcase::notify {

// The Kafka handler of notify's consumer (group <prefix>gridcase-notify, every case topic), under the
// kafka::Consumer contract: an unparsable record, or an event that cannot apply to its case, is poison (dead letter,
// its case parked in the group); a version gap waits for the earlier record (kafka::WaitForEarlierRecord); a store
// failure is retried. The offset is stored only after the event's deliveries are queued durably.
class CaseEventHandler {
 public:
  // `router` must outlive the handler.
  explicit CaseEventHandler(EventRouter* router) : router_(router) {}
  absl::Status Handle(const kafka::Message& message);

 private:
  EventRouter* router_;
};

}  // namespace gridcase::notify
