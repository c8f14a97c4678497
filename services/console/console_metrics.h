#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace gridcase::console {

// The console's metrics, declared once per process.
class ConsoleMetrics {
 public:
  static ConsoleMetrics& Get();

  // gridcase_console_requests_total{endpoint, code}: HTTP requests by endpoint (me, queue, case, command, …, page).
  prometheus::Counter& Request(const std::string& endpoint, int status);

 private:
  ConsoleMetrics();
  prometheus::Family<prometheus::Counter>& requests_;
};

}  // namespace gridcase::console
