#include "services/feedback/feedback_front.h"

#include "absl/strings/str_join.h"
#include "libs/access/read_scope.h"
#include "libs/events/proto_time.h"
#include "libs/log/log.h"
#include "services/feedback/core/report_render.h"
#include "services/feedback/feedback_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::feedback {

absl::StatusOr<v1::IssueRatingCodeResponse> FeedbackFront::IssueRatingCode(
    const access::Caller& caller, const v1::IssueRatingCodeRequest& request) {
  if (!caller.service || !rating_code_issuers_.contains(caller.person_id)) {
    return absl::PermissionDeniedError(absl::StrCat("rating codes are issued only to the notifier's service identity (",
                                                    absl::StrJoin(rating_code_issuers_, ", "), "), not to ",
                                                    caller.Describe()));
  }
  auto issued = desk_->IssueCode(request.case_id());
  if (!issued.ok()) {
    spdlog::info("msg=rating_code_refused case_id={} code={} reason={}", request.case_id(),
                 absl::StatusCodeToString(issued.status().code()), log::Quote(issued.status().message()));
    return issued.status();
  }
  FeedbackMetrics::Get().codes_issued.Increment();
  spdlog::info("msg=rating_code_issued case_id={} cycle={} expires_at={}", issued->case_id, issued->cycle,
               absl::FormatTime(issued->expires_at));
  v1::IssueRatingCodeResponse response;
  response.set_case_id(issued->case_id);
  response.set_cycle(issued->cycle);
  response.set_rating_code(issued->code);
  *response.mutable_expires_at() = events::ToProto(issued->expires_at);
  return response;
}

absl::StatusOr<v1::RateCaseResponse> FeedbackFront::RateCase(const v1::RateCaseRequest& request, const char* channel) {
  auto response = desk_->Rate(request);
  FeedbackMetrics& metrics = FeedbackMetrics::Get();
  if (!response.ok()) {
    const absl::Status& s = response.status();
    const char* outcome = absl::IsPermissionDenied(s)     ? "refused_code"
                          : absl::IsFailedPrecondition(s) ? "refused_closure"
                          : absl::IsInvalidArgument(s)    ? "invalid"
                                                          : "failed";
    metrics.Rating(outcome).Increment();
    spdlog::info("msg=rating_refused case_id={} via={} code={} reason={}", request.case_id(), channel,
                 absl::StatusCodeToString(s.code()), log::Quote(s.message()));
    return s;
  }
  metrics.Rating("accepted").Increment();
  const char* settled = response->queued()      ? "queued"
                        : response->escalated() ? "escalated"
                        : response->reopened()  ? "reopened"
                                                : "closed";
  metrics.Settlement(settled).Increment();
  spdlog::info("msg=case_rated case_id={} via={} cycle={} satisfaction={} solved={} outcome={} status={}",
               request.case_id(), channel, response->cycle(), v1::Satisfaction_Name(request.satisfaction()),
               request.problem_solved(), settled, v1::CaseStatus_Name(response->status()));
  return response;
}

absl::StatusOr<v1::GetReportResponse> FeedbackFront::GetReport(const access::Caller& caller,
                                                               v1::GetReportRequest request) {
  auto area = access::ReportArea(caller, request.area());
  if (!area.ok()) return area.status();
  request.set_area(*area);
  auto query = ParseReportQuery(request.from(), request.to(), request.area(), *units_);
  if (!query.ok()) return query.status();
  auto report = reports_->Build(*query);
  if (!report.ok()) {
    spdlog::warn("msg=report_failed area={} from={} to={} error={}", request.area(), request.from(), request.to(),
                 log::Quote(report.status().ToString()));
    return report.status();
  }
  v1::GetReportResponse response;
  if (request.format() != v1::REPORT_FORMAT_UNSPECIFIED) {
    RenderedReport rendered = Render(*report, request.format());
    response.set_content_type(rendered.content_type);
    response.set_document(std::move(rendered.body));
  }
  FeedbackMetrics::Get().Report(v1::ReportFormat_Name(request.format())).Increment();
  spdlog::info("msg=report_built area={} from={} to={} format={} units={}", request.area(), request.from(),
               request.to(), v1::ReportFormat_Name(request.format()), report->units_size());
  *response.mutable_report() = *std::move(report);
  return response;
}

absl::StatusOr<v1::ListPublicCasesResponse> FeedbackFront::ListPublicCases(const v1::ListPublicCasesRequest& request) {
  return public_cases_->List(request);
}

}  // namespace gridcase::feedback
