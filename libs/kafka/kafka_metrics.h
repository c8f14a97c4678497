#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"

namespace gridcase::kafka {

// Metrics of the Kafka wrapper, declared once per process.
class KafkaMetrics {
 public:
  static KafkaMetrics& Get();

  prometheus::Counter& consumed(const std::string& topic) { return consumed_.Add({{"topic", topic}}); }
  prometheus::Counter& retried(const std::string& topic) { return retried_.Add({{"topic", topic}}); }
  prometheus::Counter& dead_lettered(const std::string& topic) { return dead_lettered_.Add({{"topic", topic}}); }
  // Per consumer group: records kept for a parked case instead of being handled, and records replayed.
  prometheus::Counter& parked(const std::string& group) { return parked_.Add({{"group", group}}); }
  prometheus::Counter& replayed(const std::string& group) { return replayed_.Add({{"group", group}}); }
  prometheus::Gauge& parked_cases(const std::string& group) { return parked_cases_.Add({{"group", group}}); }

 private:
  KafkaMetrics();

  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Family<prometheus::Counter>& retried_;
  prometheus::Family<prometheus::Counter>& dead_lettered_;
  prometheus::Family<prometheus::Counter>& parked_;
  prometheus::Family<prometheus::Counter>& replayed_;
  prometheus::Family<prometheus::Gauge>& parked_cases_;
};

}  // namespace gridcase::kafka
