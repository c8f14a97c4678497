#pragma once

#include "absl/strings/string_view.h"
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/event.pb.h"
#include "libs/kafka/message.h"

namespace gridcase::events {

// The payload's field name ("submitted", "grid_verified", …), for headers, logs and metrics.
std::string EventType(const v1::CaseEvent& event);

// Headers every CaseEvent record carries: gridcase-event-type, gridcase-event-id, gridcase-case-version.
std::vector<kafka::Header> EventHeaders(const v1::CaseEvent& event);

// Parses a record value. DATA_LOSS when the bytes are not a CaseEvent, INVALID_ARGUMENT when it lacks a case id,
// event id or payload: such a record is poison and goes to the dead-letter topic.
absl::StatusOr<v1::CaseEvent> ParseEvent(absl::string_view bytes);

}  // namespace gridcase::events
