#pragma once

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace gridcase::sla {

// The SLA service's metrics, declared once per process.
class SlaMetrics {
 public:
  static SlaMetrics& Get();

  prometheus::Counter& timers_armed;         // gridcase_sla_timers_armed_total: timers newly armed.
  prometheus::Counter& fired_warnings;       // gridcase_sla_timers_fired_total{alarm="warning"}
  prometheus::Counter& fired_breaches;       // gridcase_sla_timers_fired_total{alarm="breach"}
  prometheus::Counter& fired_escalations;    // gridcase_sla_timers_fired_total{alarm="escalation"}
  prometheus::Counter& timers_dropped;       // gridcase_sla_timers_dropped_total: came due but no longer applied.
  prometheus::Histogram& firing_lateness;    // gridcase_sla_firing_lateness_seconds: publish time - threshold time.
  prometheus::Gauge& open_timers;            // gridcase_sla_open_timers: pending + claimed.
  prometheus::Counter& events_applied;       // gridcase_sla_events_applied_total: case events folded.
  prometheus::Counter& deadlines_published;  // gridcase_sla_deadlines_published_total
  // gridcase_sla_alarms_found_published_total: alarms of interrupted claims found on the topic, not republished.
  prometheus::Counter& alarms_found_published;
  prometheus::Counter& clocks_rearmed;    // gridcase_sla_clocks_rearmed_total: clocks whose lost timers were re-armed.
  prometheus::Counter& reconcile_errors;  // gridcase_sla_reconcile_errors_total

 private:
  SlaMetrics();
};

}  // namespace gridcase::sla
