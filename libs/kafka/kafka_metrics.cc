#include "libs/kafka/kafka_metrics.h"

#include "libs/metrics/metrics.h"

namespace gridcase::kafka {

KafkaMetrics& KafkaMetrics::Get() {
  static auto* metrics = new KafkaMetrics();
  return *metrics;
}

KafkaMetrics::KafkaMetrics()
    : consumed_(prometheus::BuildCounter()
                    .Name("gridcase_kafka_records_consumed_total")
                    .Help("Records whose effect was durable and whose offset was stored")
                    .Register(*metrics::Registry())),
      retried_(prometheus::BuildCounter()
                   .Name("gridcase_kafka_records_retried_total")
                   .Help("Handler failures that caused a redelivery")
                   .Register(*metrics::Registry())),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("gridcase_kafka_records_dead_lettered_total")
                         .Help("Poison records copied to the dead-letter topic")
                         .Register(*metrics::Registry())),
      parked_(prometheus::BuildCounter()
                  .Name("gridcase_kafka_records_parked_total")
                  .Help("Records kept for a parked case of the consumer group instead of being handled")
                  .Register(*metrics::Registry())),
      replayed_(prometheus::BuildCounter()
                    .Name("gridcase_kafka_records_replayed_total")
                    .Help("Parked records applied by a replay of their released or waiting case")
                    .Register(*metrics::Registry())),
      parked_cases_(prometheus::BuildGauge()
                        .Name("gridcase_kafka_parked_cases")
                        .Help("Cases parked in the consumer group (records wait for a release)")
                        .Register(*metrics::Registry())) {}

}  // namespace gridcase::kafka
