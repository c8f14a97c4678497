#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace gridcase::notify {

// The notify service's metrics, declared once per process. `target` is an integration's name, resident-sms or
// resident-push (configuration, not ids: a county has a handful).
class NotifyMetrics {
 public:
  static NotifyMetrics& Get();

  // gridcase_notify_delivery_lag_seconds{target}: from the case event to the receiver's acceptance.
  prometheus::Histogram& Lag(const std::string& target);
  // gridcase_notify_deliveries_total{target,outcome}: delivered, skipped (a notice with nothing to send).
  prometheus::Counter& Delivered(const std::string& target, const std::string& outcome);
  prometheus::Counter& Retries(const std::string& target);  // gridcase_notify_retries_total{target}
  prometheus::Counter& Parked(const std::string& target);   // gridcase_notify_parked_total{target}
  // gridcase_notify_parked_deliveries{target}: parked now (refreshed by the target's worker).
  prometheus::Gauge& ParkedNow(const std::string& target);
  // gridcase_notify_events_total{outcome}: applied, duplicate, ignored, poison.
  prometheus::Counter& Events(const std::string& outcome);

 private:
  NotifyMetrics();
  prometheus::Family<prometheus::Histogram>& lag_;
  prometheus::Family<prometheus::Counter>& delivered_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Counter>& parked_;
  prometheus::Family<prometheus::Gauge>& parked_now_;
  prometheus::Family<prometheus::Counter>& events_;
};

}  // namespace gridcase::notify
