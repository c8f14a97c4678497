#include "services/notify/notify_metrics.h"

#include "libs/metrics/metrics.h"

namespace gridcase::notify {
namespace {

prometheus::Family<prometheus::Counter>& Counters(const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*metrics::Registry());
}

}  // namespace

NotifyMetrics& NotifyMetrics::Get() {
  static auto* metrics = new NotifyMetrics();
  return *metrics;
}

NotifyMetrics::NotifyMetrics()
    : lag_(prometheus::BuildHistogram()
               .Name("gridcase_notify_delivery_lag_seconds")
               .Help("From the case event to its delivery, by target")
               .Register(*metrics::Registry())),
      delivered_(Counters("gridcase_notify_deliveries_total", "Deliveries completed, by target and outcome")),
      retries_(Counters("gridcase_notify_retries_total", "Failed attempts that will be retried, by target")),
      parked_(Counters("gridcase_notify_parked_total", "Deliveries parked after --park_after of failures, by target")),
      parked_now_(prometheus::BuildGauge()
                      .Name("gridcase_notify_parked_deliveries")
                      .Help("Deliveries parked now, by target")
                      .Register(*metrics::Registry())),
      events_(Counters("gridcase_notify_events_total", "Case events consumed, by outcome")) {}

prometheus::Histogram& NotifyMetrics::Lag(const std::string& target) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.05, 0.1, 0.25, 0.5, 1,    2.5,   5,    10,
                                                                   30,   60,  300,  900, 3600, 14400, 86400};
  return lag_.Add({{"target", target}}, kBuckets);
}
prometheus::Counter& NotifyMetrics::Delivered(const std::string& target, const std::string& outcome) {
  return delivered_.Add({{"target", target}, {"outcome", outcome}});
}
prometheus::Counter& NotifyMetrics::Retries(const std::string& target) { return retries_.Add({{"target", target}}); }
prometheus::Counter& NotifyMetrics::Parked(const std::string& target) { return parked_.Add({{"target", target}}); }
prometheus::Gauge& NotifyMetrics::ParkedNow(const std::string& target) {
  return parked_now_.Add({{"target", target}});
}
prometheus::Counter& NotifyMetrics::Events(const std::string& outcome) { return events_.Add({{"outcome", outcome}}); }

}  // namespace gridcase::notify
