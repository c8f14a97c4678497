#pragma once

#include <string>

#include "services/sla/sla_stores.h"
#include "libs/kafka/cluster.h"

namespace gridcase::sla {

// PublishedAlarms on Kafka: for each partition of the SLA topic, looks up the first offset timestamped at or after
// `since` (ListOffsets by time), reads from there to the partition's end as of the call with a consumer that joins
// no group and commits nothing, and keeps the records keyed by one of the cases whose event id is asked for. Only
// for recovering interrupted claims: the read covers the SLA records of the last lease or so, not the topic.
class KafkaPublishedAlarms : public PublishedAlarms {
 public:
  KafkaPublishedAlarms(kafka::Cluster brokers, std::string topic, absl::Duration timeout = absl::Seconds(20))
      : brokers_(std::move(brokers)), topic_(std::move(topic)), timeout_(timeout) {}

  absl::StatusOr<std::map<std::string, v1::CaseEvent>> Find(const absl::flat_hash_set<std::string>& case_ids,
                                                            const absl::flat_hash_set<std::string>& event_ids,
                                                            absl::Time since) override;

 private:
  kafka::Cluster brokers_;
  std::string topic_;
  absl::Duration timeout_;
};

}  // namespace gridcase::sla
