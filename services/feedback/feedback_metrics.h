#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace gridcase::feedback {

// The feedback service's metrics, declared once per process.
class FeedbackMetrics {
 public:
  static FeedbackMetrics& Get();

  // gridcase_feedback_ratings_total{outcome}: accepted, refused_code (wrong code), refused_closure (rated already,
  // window over, not awaiting a rating), invalid, failed.
  prometheus::Counter& Rating(const std::string& outcome);
  prometheus::Counter& codes_issued;  // gridcase_feedback_rating_codes_issued_total
  // gridcase_feedback_settlements_total{outcome}: closed, reopened, escalated, queued (by RateCase); failed (by the
  // settle loop, retried).
  prometheus::Counter& Settlement(const std::string& outcome);
  prometheus::Counter& events_recorded;                                // gridcase_feedback_events_recorded_total
  prometheus::Counter& alerts_raised;                                  // gridcase_feedback_alerts_raised_total
  prometheus::Counter& Report(const std::string& format);              // gridcase_feedback_reports_total{format}
  prometheus::Counter& Http(const std::string& endpoint, int status);  // gridcase_feedback_http_requests_total

 private:
  FeedbackMetrics();
  prometheus::Family<prometheus::Counter>& ratings_;
  prometheus::Family<prometheus::Counter>& settlements_;
  prometheus::Family<prometheus::Counter>& reports_;
  prometheus::Family<prometheus::Counter>& http_;
};

}  // namespace gridcase::feedback
