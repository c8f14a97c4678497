#include "services/sla/alert_tail.h"

#include "libs/events/codec.h"
#include "libs/log/log.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

absl::Status FeedAlerts(AlertBroadcaster& broadcaster, CaseClockStore& cases, const kafka::Message& message) {
  absl::StatusOr<v1::CaseEvent> event = events::ParseEvent(message.value);
  if (!event.ok() || (!event->has_sla_warned() && !event->has_sla_breached())) return absl::OkStatus();
  if (!broadcaster.has_subscribers()) return absl::OkStatus();
  absl::StatusOr<StoredCase> stored = cases.Load(event->case_id());
  if (!stored.ok()) {
    spdlog::warn("msg=alert_not_watched case_id={} event_id={} error={}", event->case_id(), event->event_id(),
                 log::Quote(stored.status().ToString()));
    return absl::OkStatus();
  }
  broadcaster.Publish(MakeAlert(*event, stored->state.case_()));
  return absl::OkStatus();
}

}  // namespace gridcase::sla
