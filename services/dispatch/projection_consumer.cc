#include "services/dispatch/projection_consumer.h"

#include "libs/events/codec.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {

absl::Status HandleCaseRecord(Projector& projector, const kafka::Message& message) {
  auto event = events::ParseEvent(message.value);
  if (!event.ok()) return event.status();
  if (event->case_version() == 0) return absl::OkStatus();
  auto outcome = projector.Project(*event);
  if (!outcome.ok()) return outcome.status();
  spdlog::debug("msg=event_projected case_id={} version={} type={} outcome={} topic={} partition={} offset={}",
                event->case_id(), event->case_version(), events::EventType(*event),
                *outcome == ApplyOutcome::kApplied ? "applied" : "duplicate", message.topic, message.partition,
                message.offset);
  return absl::OkStatus();
}

}  // namespace gridcase::dispatch
