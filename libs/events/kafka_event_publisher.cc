#include "libs/events/kafka_event_publisher.h"

#include "libs/events/codec.h"

namespace gridcase::events {

absl::Status KafkaEventPublisher::Publish(const v1::CaseEvent& event) {
  return producer_->Produce(topics_.ForEvent(event), event.case_id(), event.SerializeAsString(), EventHeaders(event));
}

}  // namespace gridcase::events
