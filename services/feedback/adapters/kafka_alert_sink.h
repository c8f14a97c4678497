#pragma once

#include <string>

#include "libs/kafka/producer.h"
#include "services/feedback/core/hot_spot.h"

namespace gridcase::feedback {

// Publishes HotSpotAlerts on `topic` (<prefix>gridcase.alerts.v1), keyed by grid code, with the header
// gridcase-alert-id (consumers dedupe by it: an alert may be published twice after a crash).
class KafkaAlertSink : public AlertSink {
 public:
  // `producer` must outlive the sink.
  KafkaAlertSink(kafka::Producer* producer, std::string topic) : producer_(producer), topic_(std::move(topic)) {}

  absl::Status Publish(const v1::HotSpotAlert& alert) override;

 private:
  kafka::Producer* producer_;
  std::string topic_;
};

// The alerts topic's name under a topic prefix.
std::string AlertsTopic(const std::string& prefix);

}  // namespace gridcase::feedback
