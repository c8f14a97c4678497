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
                         .Register(*metrics::Registry())) {}

}  // namespace gridcase::kafka
