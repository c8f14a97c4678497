#include "services/feedback/adapters/dispatch_commander.h"

#include "absl/strings/str_cat.h"

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
  // A case's history is bounded (co-requesters, reopens and extensions are), so a few pages hold all of it.
  constexpr int kMaxPages = 20;
  std::vector<v1::CaseEvent> events;
  v1::GetCaseTimelineRequest request;
  request.set_case_id(case_id);
  request.set_page_size(1000);
  for (int pages = 0; pages < kMaxPages; ++pages) {
    grpc::ClientContext context;
    SetDeadline(context, timeout_);
    v1::CaseTimeline timeline;
    if (grpc::Status s = stub_->GetCaseTimeline(&context, request, &timeline); !s.ok()) return FromGrpc(s);
    events.insert(events.end(), timeline.events().begin(), timeline.events().end());
    if (timeline.next_page_token().empty()) return events;
    request.set_page_token(timeline.next_page_token());
  }
  return absl::ResourceExhaustedError(absl::StrCat("timeline of ", case_id, " has more than ", kMaxPages, " pages"));
}

absl::StatusOr<v1::Case> DispatchCommander::Execute(v1::CaseCommandRequest request) {
  grpc::ClientContext context;
  SetDeadline(context, timeout_);
  v1::CaseCommandResponse response;
  if (grpc::Status s = stub_->ExecuteCommand(&context, request, &response); !s.ok()) return FromGrpc(s);
  return response.case_();
}

}  // namespace gridcase::feedback
