#include "services/feedback/feedback_grpc.h"

#include "libs/server/call_auth.h"
#include "libs/server/grpc_status.h"
#include "libs/server/raw_request.h"

namespace gridcase::feedback {

grpc::Status FeedbackGrpc::IssueRatingCode(grpc::ServerContext* context, const v1::IssueRatingCodeRequest* request,
                                           v1::IssueRatingCodeResponse* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->SetCommand("IssueRatingCode");
  call->AddCase(request->case_id());
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  auto issued = front_->IssueRatingCode(*caller, *request);
  if (!issued.ok()) return server::ToGrpcStatus(issued.status());
  *response = *std::move(issued);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* FeedbackGrpc::RateCase(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                                 grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->SetCommand("RateCase");
  v1::RateCaseRequest decoded;
  grpc::Status status;
  auto caller = call->caller();
  if (!caller.ok()) {
    status = server::ToGrpcStatus(caller.status());
  } else if (!caller->service) {
    // A person never rates: the resident's rating comes through the app's or notifier's service, with its code.
    status = server::ToGrpcStatus(absl::PermissionDeniedError(
        absl::StrCat("RateCase is for the services that relay a resident's rating with its one-time code, not for ",
                     caller->Describe())));
  } else if (absl::Status s = server::DecodeRequest(*request, &decoded); !s.ok()) {
    status = server::ToGrpcStatus(s);
  } else {
    call->AddCase(decoded.case_id());
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
  auto caller = server::CallOf(context)->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  auto report = front_->GetReport(*caller, *request);
  if (!report.ok()) return server::ToGrpcStatus(report.status());
  *response = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status FeedbackGrpc::ListPublicCases(grpc::ServerContext* context, const v1::ListPublicCasesRequest* request,
                                           v1::ListPublicCasesResponse* response) {
  auto caller = server::CallOf(context)->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  auto cases = front_->ListPublicCases(*request);
  if (!cases.ok()) return server::ToGrpcStatus(cases.status());
  *response = *std::move(cases);
  return grpc::Status::OK;
}

}  // namespace gridcase::feedback
