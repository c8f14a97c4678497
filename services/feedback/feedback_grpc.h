#pragma once

#include "gridcase/v1/feedback.grpc.pb.h"
#include "services/feedback/feedback_front.h"

namespace gridcase::feedback {

// gRPC face of feedback: converts between the wire and FeedbackFront. RateCase is a raw method so that a comment
// with invalid UTF-8 gets INVALID_ARGUMENT naming the field.
class FeedbackGrpc final : public v1::FeedbackService::WithRawCallbackMethod_RateCase<v1::FeedbackService::Service> {
 public:
  // `front` must outlive the service.
  explicit FeedbackGrpc(FeedbackFront* front) : front_(front) {}

  grpc::Status IssueRatingCode(grpc::ServerContext* context, const v1::IssueRatingCodeRequest* request,
                               v1::IssueRatingCodeResponse* response) override;
  grpc::ServerUnaryReactor* RateCase(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override;
  grpc::Status GetReport(grpc::ServerContext* context, const v1::GetReportRequest* request,
                         v1::GetReportResponse* response) override;
  grpc::Status ListPublicCases(grpc::ServerContext* context, const v1::ListPublicCasesRequest* request,
                               v1::ListPublicCasesResponse* response) override;

 private:
  FeedbackFront* front_;
};

}  // namespace gridcase::feedback
