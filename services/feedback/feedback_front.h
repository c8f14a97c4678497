#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "gridcase/v1/feedback.pb.h"
#include "libs/access/caller.h"
#include "services/feedback/core/public_cases.h"
#include "services/feedback/core/rating_desk.h"
#include "services/feedback/core/report.h"

namespace gridcase::feedback {

// What the gRPC and HTTP faces both serve, with the one log line and the metrics of each call. Resident data is
// never logged: no rating code, no comment, no phone. Thread-safe; pointers must outlive it.
//
// Who may do what (ratings cannot be forged): a rating code is issued only to the services named in
// `rating_code_issuers` (the notifier that sends it to the resident); a rating comes only with the resident's
// one-time code (RateCase checks it); reports cover only the caller's area (access::ReportArea); the public list
// carries no resident data beyond the masked name and phone.
class FeedbackFront {
 public:
  FeedbackFront(RatingDesk* desk, ReportBuilder* reports, PublicCases* public_cases, const UnitDirectory* units,
                std::set<std::string> rating_code_issuers)
      : desk_(desk),
        reports_(reports),
        public_cases_(public_cases),
        units_(units),
        rating_code_issuers_(std::move(rating_code_issuers)) {}

  absl::StatusOr<v1::IssueRatingCodeResponse> IssueRatingCode(const access::Caller& caller,
                                                              const v1::IssueRatingCodeRequest& request);
  absl::StatusOr<v1::RateCaseResponse> RateCase(const v1::RateCaseRequest& request, const char* channel);
  absl::StatusOr<v1::GetReportResponse> GetReport(const access::Caller& caller, v1::GetReportRequest request);
  absl::StatusOr<v1::ListPublicCasesResponse> ListPublicCases(const v1::ListPublicCasesRequest& request);

 private:
  RatingDesk* desk_;
  ReportBuilder* reports_;
  PublicCases* public_cases_;
  const UnitDirectory* units_;
  const std::set<std::string> rating_code_issuers_;
};

}  // namespace gridcase::feedback
