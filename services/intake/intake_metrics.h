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
  prometheus::Counter& failed;
  prometheus::Histogram& submit_seconds;

 private:
  IntakeMetrics();
};

}  // namespace gridcase::intake
