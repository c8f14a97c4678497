#include "absl/strings/string_view.h"
#include "libs/events/codec.h"

#include "absl/strings/str_cat.h"

namespace gridcase::events {

std::string EventType(const v1::CaseEvent& event) {
  const auto* field = v1::CaseEvent::descriptor()->FindFieldByNumber(event.payload_case());
  return field == nullptr ? "none" : field->name();
}

std::vector<kafka::Header> EventHeaders(const v1::CaseEvent& event) {
  return {{"gridcase-event-type", EventType(event)},
          {"gridcase-event-id", event.event_id()},
          {"gridcase-case-version", absl::StrCat(event.case_version())}};
}

absl::StatusOr<v1::CaseEvent> ParseEvent(absl::string_view bytes) {
  v1::CaseEvent event;
  if (!event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("record is not a CaseEvent");
  }
  if (event.case_id().empty()) return absl::InvalidArgumentError("case_id: missing");
  if (event.event_id().empty()) return absl::InvalidArgumentError("event_id: missing");
  if (event.payload_case() == v1::CaseEvent::PAYLOAD_NOT_SET) return absl::InvalidArgumentError("payload: missing");
  return event;
}

}  // namespace gridcase::events
