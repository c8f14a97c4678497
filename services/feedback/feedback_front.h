#pragma once

#include "absl/status/statusor.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/public_cases.h"
#include "services/feedback/core/rating_desk.h"
#include "services/feedback/core/report.h"

namespace gridcase::feedback {

// What the gRPC and HTTP faces both serve, with the one log line and the metrics of each call. Resident data is
// never logged: no rating code, no comment, no phone. Thread-safe; pointers must outlive it.
class FeedbackFront {
 public:
  FeedbackFront(RatingDesk* desk, ReportBuilder* reports, PublicCases* public_cases, const UnitDirectory* units)
      : desk_(desk), reports_(reports), public_cases_(public_cases), units_(units) {}

  absl::StatusOr<v1::IssueRatingCodeResponse> IssueRatingCode(const v1::IssueRatingCodeRequest& request);
  absl::StatusOr<v1::RateCaseResponse> RateCase(const v1::RateCaseRequest& request, const char* channel);
  absl::StatusOr<v1::GetReportResponse> GetReport(const v1::GetReportRequest& request);
  absl::StatusOr<v1::ListPublicCasesResponse> ListPublicCases(const v1::ListPublicCasesRequest& request);

 private:
  RatingDesk* desk_;
  ReportBuilder* reports_;
  PublicCases* public_cases_;
  const UnitDirectory* units_;
};

}  // namespace gridcase::feedback
