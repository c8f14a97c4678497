#pragma once

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace gridcase::intake {

// Intake's metrics, declared once per process.
class IntakeMetrics {
 public:
  static IntakeMetrics& Get();

  prometheus::Counter& accepted;
  prometheus::Counter& repeated;
  prometheus::Counter& rejected;
  prometheus::Counter& conflicting;  // The key was used for a different request (ALREADY_EXISTS).
  prometheus::Counter& failed;
  // Days' case-number counters reseeded from Kafka after Redis lost or may have lost them.
  prometheus::Counter& case_number_reseeds;
  prometheus::Histogram& submit_seconds;

 private:
  IntakeMetrics();
};

}  // namespace gridcase::intake
