#include "services/feedback/adapters/dispatch_commander.h"

namespace gridcase::feedback {
namespace {

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

}  // namespace

absl::StatusOr<v1::Case> DispatchCommander::GetCase(const std::string& case_id) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  v1::GetCaseRequest request;
  request.set_case_id(case_id);
  v1::Case c;
  if (grpc::Status s = stub_->GetCase(&context, request, &c); !s.ok()) return FromGrpc(s);
  return c;
}

absl::StatusOr<std::vector<v1::CaseEvent>> DispatchCommander::Timeline(const std::string& case_id) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  v1::GetCaseTimelineRequest request;
  request.set_case_id(case_id);
  v1::CaseTimeline timeline;
  if (grpc::Status s = stub_->GetCaseTimeline(&context, request, &timeline); !s.ok()) return FromGrpc(s);
  return std::vector<v1::CaseEvent>(timeline.events().begin(), timeline.events().end());
}

absl::StatusOr<v1::Case> DispatchCommander::Execute(v1::CaseCommandRequest request) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  v1::CaseCommandResponse response;
  if (grpc::Status s = stub_->ExecuteCommand(&context, request, &response); !s.ok()) return FromGrpc(s);
  return response.case_();
}

}  // namespace gridcase::feedback
