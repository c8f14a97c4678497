#include "services/intake/open311/open311_metrics.h"

#include "absl/strings/str_cat.h"
#include "libs/metrics/metrics.h"

namespace gridcase::intake::open311 {

Open311Metrics& Open311Metrics::Get() {
  static auto* metrics = new Open311Metrics();
  return *metrics;
}

Open311Metrics::Open311Metrics()
    : requests_(prometheus::BuildCounter()
                    .Name("gridcase_intake_open311_requests_total")
                    .Help("Open311 GeoReport requests by endpoint and HTTP status")
                    .Register(*metrics::Registry())),
      seconds_(prometheus::BuildHistogram()
                   .Name("gridcase_intake_open311_request_seconds")
                   .Help("Open311 GeoReport request latency by endpoint")
                   .Register(*metrics::Registry())),
      throttled_(prometheus::BuildCounter()
                     .Name("gridcase_intake_open311_throttled_total")
                     .Help("Open311 requests refused by the per-key rate limit")
                     .Register(*metrics::Registry())) {}

// prometheus-cpp's Family::Add returns the existing child for known labels and is thread-safe.
void Open311Metrics::CountRequest(absl::string_view endpoint, int http_status) {
  requests_.Add({{"endpoint", std::string(endpoint)}, {"code", absl::StrCat(http_status)}}).Increment();
}

void Open311Metrics::ObserveSeconds(absl::string_view endpoint, double seconds) {
  seconds_
      .Add({{"endpoint", std::string(endpoint)}},
           prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                   2.5})
      .Observe(seconds);
}

void Open311Metrics::CountThrottled(absl::string_view client) {
  throttled_.Add({{"client", std::string(client)}}).Increment();
}

}  // namespace gridcase::intake::open311
