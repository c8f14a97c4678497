#include "services/console/console_metrics.h"

#include "absl/strings/str_cat.h"
#include "libs/metrics/metrics.h"

namespace gridcase::console {

ConsoleMetrics& ConsoleMetrics::Get() {
  static auto* metrics = new ConsoleMetrics();
  return *metrics;
}

ConsoleMetrics::ConsoleMetrics()
    : requests_(prometheus::BuildCounter()
                    .Name("gridcase_console_requests_total")
                    .Help("Console HTTP requests by endpoint and status")
                    .Register(*metrics::Registry())) {}

prometheus::Counter& ConsoleMetrics::Request(const std::string& endpoint, int status) {
  return requests_.Add({{"endpoint", endpoint}, {"code", absl::StrCat(status)}});
}

}  // namespace gridcase::console
