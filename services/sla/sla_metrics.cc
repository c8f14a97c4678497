#include "services/sla/sla_metrics.h"

#include "libs/metrics/metrics.h"

namespace gridcase::sla {
namespace {

prometheus::Family<prometheus::Counter>& Fired() {
  static auto& family = prometheus::BuildCounter()
                            .Name("gridcase_sla_timers_fired_total")
                            .Help("Alarms published, by kind")
                            .Register(*metrics::Registry());
  return family;
}

prometheus::Counter& Counter(const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*metrics::Registry()).Add({});
}

}  // namespace

SlaMetrics& SlaMetrics::Get() {
  static auto* metrics = new SlaMetrics();
  return *metrics;
}

SlaMetrics::SlaMetrics()
    : timers_armed(Counter("gridcase_sla_timers_armed_total", "Timers newly armed")),
      fired_warnings(Fired().Add({{"alarm", "warning"}})),
      fired_breaches(Fired().Add({{"alarm", "breach"}})),
      fired_escalations(Fired().Add({{"alarm", "escalation"}})),
      timers_dropped(
          Counter("gridcase_sla_timers_dropped_total", "Timers that came due for an alarm that no longer applied")),
      firing_lateness(prometheus::BuildHistogram()
                          .Name("gridcase_sla_firing_lateness_seconds")
                          .Help("Time from an alarm's threshold to its publication")
                          .Register(*metrics::Registry())
                          .Add({}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                                           2.5, 5, 10, 30, 60, 300})),
      open_timers(prometheus::BuildGauge()
                      .Name("gridcase_sla_open_timers")
                      .Help("Timers armed and not yet fired or cancelled (all replicas)")
                      .Register(*metrics::Registry())
                      .Add({})),
      events_applied(Counter("gridcase_sla_events_applied_total", "Case events applied to the clocks")),
      deadlines_published(Counter("gridcase_sla_deadlines_published_total", "DeadlineSet events published")),
      alarms_found_published(Counter("gridcase_sla_alarms_found_published_total",
                                     "Alarms of interrupted claims found on the SLA topic and recorded as fired "
                                     "without publishing them again")),
      clocks_rearmed(Counter("gridcase_sla_clocks_rearmed_total",
                             "Open clocks whose missing timers the reconciliation armed again")),
      reconcile_errors(Counter("gridcase_sla_reconcile_errors_total", "Reconciliation passes that failed")) {}

}  // namespace gridcase::sla
