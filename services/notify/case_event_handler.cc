#include "services/notify/case_event_handler.h"

#include "absl/strings/str_cat.h"
#include "libs/events/codec.h"
#include "libs/kafka/case_wait.h"
#include "libs/log/log.h"
#include "services/notify/notify_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::notify {

absl::Status CaseEventHandler::Handle(const kafka::Message& message) {
  auto event = events::ParseEvent(message.value);
  if (!event.ok()) {
    NotifyMetrics::Get().Events("poison").Increment();
    return event.status();
  }
  auto outcome = router_->Route(*event);
  if (!outcome.ok()) {
    if (absl::IsInvalidArgument(outcome.status())) {
      NotifyMetrics::Get().Events("poison").Increment();
      return outcome.status();
    }
    return absl::UnavailableError(outcome.status().ToString());
  }
  switch (*outcome) {
    case EventRouter::Outcome::kWaitForEarlier:
      return kafka::WaitForEarlierRecord(absl::StrCat("case ", event->case_id(), " version ", event->case_version(),
                                                      " waits for the version before it"));
    case EventRouter::Outcome::kApplied:
      NotifyMetrics::Get().Events("applied").Increment();
      spdlog::debug("msg=event_routed case_id={} version={} topic={} partition={} offset={}", event->case_id(),
                    event->case_version(), message.topic, message.partition, message.offset);
      break;
    case EventRouter::Outcome::kDuplicate:
      NotifyMetrics::Get().Events("duplicate").Increment();
      break;
    case EventRouter::Outcome::kIgnored:
      NotifyMetrics::Get().Events("ignored").Increment();
      break;
  }
  return absl::OkStatus();
}

}  // namespace gridcase::notify
