#include "services/sla/adapters/kafka_published_alarms.h"

#include "libs/events/codec.h"
#include "libs/kafka/topic_reader.h"

namespace gridcase::sla {

absl::StatusOr<std::map<std::string, v1::CaseEvent>> KafkaPublishedAlarms::Find(
    const absl::flat_hash_set<std::string>& case_ids, const absl::flat_hash_set<std::string>& event_ids,
    absl::Time since) {
  std::map<std::string, v1::CaseEvent> found;
  if (event_ids.empty()) return found;
  absl::Status read = kafka::ReadTopicsSince(
      brokers_, {topic_}, since,
      [&](const kafka::Message& message) {
        if (!case_ids.contains(message.key)) return absl::OkStatus();
        absl::StatusOr<v1::CaseEvent> event = events::ParseEvent(message.value);
        if (event.ok() && event_ids.contains(event->event_id())) found[event->event_id()] = *std::move(event);
        return absl::OkStatus();
      },
      timeout_);
  if (!read.ok()) return read;
  return found;
}

}  // namespace gridcase::sla
