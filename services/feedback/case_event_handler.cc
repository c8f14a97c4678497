#include "services/feedback/case_event_handler.h"

#include "libs/events/codec.h"
#include "libs/log/log.h"
#include "services/feedback/feedback_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::feedback {

absl::Status CaseEventHandler::Handle(const kafka::Message& message) {
  auto event = events::ParseEvent(message.value);
  if (!event.ok()) return event.status();
  auto facts = recorder_->Record(*event, now_());
  if (!facts.ok()) {
    // Only an event without a case id is refused as such; store failures are retried.
    if (absl::IsInvalidArgument(facts.status())) return facts.status();
    return absl::UnavailableError(facts.status().ToString());
  }
  if (!facts->has_value()) return absl::OkStatus();
  if (!(*facts)->fold_error.ok()) {
    spdlog::warn("msg=fold_stopped case_id={} error={}", event->case_id(), log::Quote((*facts)->fold_error.ToString()));
  }
  auto alerts = watch_->Check(**facts);
  if (!alerts.ok()) return absl::UnavailableError(alerts.status().ToString());
  FeedbackMetrics& metrics = FeedbackMetrics::Get();
  metrics.events_recorded.Increment();
  for (const v1::HotSpotAlert& alert : *alerts) {
    metrics.alerts_raised.Increment();
    spdlog::info("msg=hot_spot_alert alert_id={} grid={} item={} cases={}", alert.alert_id(), alert.grid_code(),
                 alert.catalogue_item(), alert.case_count());
  }
  spdlog::debug("msg=event_recorded case_id={} version={} type={} topic={} partition={} offset={}", event->case_id(),
                event->case_version(), events::EventType(*event), message.topic, message.partition, message.offset);
  return absl::OkStatus();
}

}  // namespace gridcase::feedback
