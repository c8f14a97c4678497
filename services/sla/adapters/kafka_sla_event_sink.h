#pragma once

#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// SlaEventSink on Kafka: each event on its topic (Topics::ForEvent: gridcase.sla.v1 for the SLA's payloads), keyed by
// case id, with the event headers. A batch is enqueued at once and awaited together.
class KafkaSlaEventSink : public SlaEventSink {
 public:
  // `producer` must outlive the sink.
  KafkaSlaEventSink(kafka::Producer* producer, events::Topics topics)
      : producer_(producer), topics_(std::move(topics)) {}

  std::vector<absl::Status> PublishAll(const std::vector<v1::CaseEvent>& events) override;

 private:
  kafka::Producer* producer_;
  events::Topics topics_;
};

}  // namespace gridcase::sla
