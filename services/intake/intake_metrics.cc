#include "services/intake/intake_metrics.h"

#include "libs/metrics/metrics.h"

namespace gridcase::intake {
namespace {

prometheus::Family<prometheus::Counter>& Submissions() {
  static auto& family = prometheus::BuildCounter()
                            .Name("gridcase_intake_submissions_total")
                            .Help("SubmitCase calls by outcome")
                            .Register(*metrics::Registry());
  return family;
}

}  // namespace

IntakeMetrics& IntakeMetrics::Get() {
  static auto* metrics = new IntakeMetrics();
  return *metrics;
}

IntakeMetrics::IntakeMetrics()
    : accepted(Submissions().Add({{"outcome", "accepted"}})),
      repeated(Submissions().Add({{"outcome", "repeated"}})),
      rejected(Submissions().Add({{"outcome", "rejected"}})),
      conflicting(Submissions().Add({{"outcome", "conflict"}})),
      failed(Submissions().Add({{"outcome", "failed"}})),
      case_number_reseeds(prometheus::BuildCounter()
                              .Name("gridcase_intake_case_number_reseeds_total")
                              .Help("Case-number counters reseeded from Kafka after Redis lost them")
                              .Register(*metrics::Registry())
                              .Add({})),
      submit_seconds(prometheus::BuildHistogram()
                         .Name("gridcase_intake_submit_seconds")
                         .Help("SubmitCase latency")
                         .Register(*metrics::Registry())
                         .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025,
                                                                          0.05, 0.1, 0.25, 0.5, 1, 2.5})) {}

}  // namespace gridcase::intake
