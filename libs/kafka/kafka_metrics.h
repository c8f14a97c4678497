#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace gridcase::kafka {

// Metrics of the Kafka wrapper, declared once per process.
class KafkaMetrics {
 public:
  static KafkaMetrics& Get();

  prometheus::Counter& consumed(const std::string& topic) { return consumed_.Add({{"topic", topic}}); }
  prometheus::Counter& retried(const std::string& topic) { return retried_.Add({{"topic", topic}}); }
  prometheus::Counter& dead_lettered(const std::string& topic) { return dead_lettered_.Add({{"topic", topic}}); }

 private:
  KafkaMetrics();

  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Family<prometheus::Counter>& retried_;
  prometheus::Family<prometheus::Counter>& dead_lettered_;
};

}  // namespace gridcase::kafka
