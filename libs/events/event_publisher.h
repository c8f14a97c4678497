#pragma once

#include "absl/status/status.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::events {

// Appends a case event to the log. OK means durable (acknowledged by Kafka); the caller may then apply its effect
// and answer. Implementations are thread-safe.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual absl::Status Publish(const v1::CaseEvent& event) = 0;
};

}  // namespace gridcase::events
