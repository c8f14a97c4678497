#include "services/feedback/feedback_metrics.h"

#include "absl/strings/str_cat.h"
#include "libs/metrics/metrics.h"

namespace gridcase::feedback {
namespace {

prometheus::Family<prometheus::Counter>& Family(const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(*metrics::Registry());
}

}  // namespace

FeedbackMetrics& FeedbackMetrics::Get() {
  static auto* metrics = new FeedbackMetrics();
  return *metrics;
}

FeedbackMetrics::FeedbackMetrics()
    : codes_issued(Family("gridcase_feedback_rating_codes_issued_total", "One-time rating codes issued").Add({})),
      events_recorded(
          Family("gridcase_feedback_events_recorded_total", "Case events recorded into the statistics").Add({})),
      alerts_raised(Family("gridcase_feedback_alerts_raised_total", "Hot-spot alerts raised").Add({})),
      ratings_(Family("gridcase_feedback_ratings_total", "Ratings received, by outcome")),
      settlements_(Family("gridcase_feedback_settlements_total", "Closures settled into dispatch, by outcome")),
      reports_(Family("gridcase_feedback_reports_total", "Statistical reports built, by format")),
      http_(Family("gridcase_feedback_http_requests_total", "HTTP requests by endpoint and status")) {}

prometheus::Counter& FeedbackMetrics::Rating(const std::string& outcome) {
  return ratings_.Add({{"outcome", outcome}});
}
prometheus::Counter& FeedbackMetrics::Settlement(const std::string& outcome) {
  return settlements_.Add({{"outcome", outcome}});
}
prometheus::Counter& FeedbackMetrics::Report(const std::string& format) { return reports_.Add({{"format", format}}); }
prometheus::Counter& FeedbackMetrics::Http(const std::string& endpoint, int status) {
  return http_.Add({{"endpoint", endpoint}, {"code", absl::StrCat(status)}});
}

}  // namespace gridcase::feedback
