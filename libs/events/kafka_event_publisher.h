#pragma once

#include "libs/events/event_publisher.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"

namespace gridcase::events {

// Publishes each event on its stage topic (Topics::ForEvent), keyed by case id, with the event headers.
class KafkaEventPublisher : public EventPublisher {
 public:
  // `producer` must outlive this publisher.
  KafkaEventPublisher(kafka::Producer* producer, Topics topics) : producer_(producer), topics_(std::move(topics)) {}

  absl::Status Publish(const v1::CaseEvent& event) override;

 private:
  kafka::Producer* producer_;
  Topics topics_;
};

}  // namespace gridcase::events
