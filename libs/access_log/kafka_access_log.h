#pragma once

#include <string>

#include "libs/access/access_log.h"
#include "libs/kafka/producer.h"

namespace gridcase::access_log {

// The access log on its Kafka topic (gridcase.audit.v1): one record per AccessRecord, keyed by its first case id
// (else its subject), so that a case's records stay in order. Records are written asynchronously and at least once:
// a write retried after a broker error may come again, with the same record_id, or after a later record (readers
// show each id once, SeenRecords; every record carries its time, `at`); one that Kafka
// does not take is counted (gridcase_access_records_total{outcome="failed"}) and logged with its content, never
// silently dropped.
class KafkaAccessLog : public access::AccessLog {
 public:
  // `producer` must outlive the log.
  KafkaAccessLog(kafka::Producer* producer, std::string topic) : producer_(producer), topic_(std::move(topic)) {}

  void Record(v1::AccessRecord record) override;

 private:
  kafka::Producer* producer_;
  const std::string topic_;
};

}  // namespace gridcase::access_log
