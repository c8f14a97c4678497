#pragma once

#include <string>

#include "absl/time/time.h"
#include "services/intake/adapters/redis_submission_store.h"
#include "libs/kafka/cluster.h"

namespace gridcase::intake {

// SubmissionLedger over Kafka, the source of truth. Reads the intake topic from the start of the day in Asia/Shanghai,
// less `clock_skew` (a case is numbered by the day on the clock of the process that reserved it, which may run ahead
// of the producer's timestamp), to the topic's end: the highest "GC-<day>-<n>" among the record keys (case ids), the
// `submitted` events with their channel and idempotency key, and the linked requests of `co_requester_added` events
// (request ref "<channel>:<idempotency key>").
class KafkaSubmissionLedger : public SubmissionLedger {
 public:
  KafkaSubmissionLedger(kafka::Cluster brokers, std::string intake_topic, absl::Duration clock_skew = absl::Minutes(10),
                        absl::Duration read_timeout = absl::Seconds(60))
      : brokers_(std::move(brokers)),
        topic_(std::move(intake_topic)),
        clock_skew_(clock_skew),
        read_timeout_(read_timeout) {}

  absl::StatusOr<DayOnRecord> ReadDay(const std::string& day) override;

 private:
  kafka::Cluster brokers_;
  std::string topic_;
  absl::Duration clock_skew_;
  absl::Duration read_timeout_;
};

}  // namespace gridcase::intake
