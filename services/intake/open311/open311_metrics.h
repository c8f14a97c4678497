#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace gridcase::intake::open311 {

// The Open311 gateway's metrics, declared once per process. Labels are the endpoint ("post_requests",
// "get_requests", "get_request", "get_services", "get_service", "other") and the HTTP status; never ids or keys.
class Open311Metrics {
 public:
  static Open311Metrics& Get();

  // gridcase_intake_open311_requests_total{endpoint, code}.
  void CountRequest(absl::string_view endpoint, int http_status);
  // gridcase_intake_open311_request_seconds{endpoint}.
  void ObserveSeconds(absl::string_view endpoint, double seconds);
  // gridcase_intake_open311_throttled_total{client}: refusals by the rate limit, by API key name.
  void CountThrottled(absl::string_view client);

 private:
  Open311Metrics();

  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Family<prometheus::Counter>& throttled_;
};

}  // namespace gridcase::intake::open311
