#include "services/feedback/feedback_grpc.h"

#include "libs/server/grpc_status.h"
#include "libs/server/raw_request.h"

namespace gridcase::feedback {

grpc::Status FeedbackGrpc::IssueRatingCode(grpc::ServerContext* context, const v1::IssueRatingCodeRequest* request,
                                           v1::IssueRatingCodeResponse* response) {
  auto issued = front_->IssueRatingCode(*request);
  if (!issued.ok()) return server::ToGrpcStatus(issued.status());
  *response = *std::move(issued);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* FeedbackGrpc::RateCase(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  v1::RateCaseRequest decoded;
  grpc::Status status;
  if (absl::Status s = server::DecodeRequest(*request, &decoded); !s.ok()) {
    status = server::ToGrpcStatus(s);
  } else {
    auto rated = front_->RateCase(decoded, "grpc");
    if (rated.ok()) {
      server::EncodeResponse(*rated, response);
    } else {
      status = server::ToGrpcStatus(rated.status());
    }
  }
  reactor->Finish(status);
  return reactor;
}

grpc::Status FeedbackGrpc::GetReport(grpc::ServerContext* context, const v1::GetReportRequest* request,
                                     v1::GetReportResponse* response) {
  auto report = front_->GetReport(*request);
  if (!report.ok()) return server::ToGrpcStatus(report.status());
  *response = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status FeedbackGrpc::ListPublicCases(grpc::ServerContext* context, const v1::ListPublicCasesRequest* request,
                                           v1::ListPublicCasesResponse* response) {
  auto cases = front_->ListPublicCases(*request);
  if (!cases.ok()) return server::ToGrpcStatus(cases.status());
  *response = *std::move(cases);
  return grpc::Status::OK;
}

}  // namespace gridcase::feedback
