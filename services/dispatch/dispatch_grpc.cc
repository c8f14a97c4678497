#include "services/dispatch/dispatch_grpc.h"

#include "absl/strings/str_cat.h"
#include "libs/server/grpc_status.h"

namespace gridcase::dispatch {

grpc::Status DispatchGrpc::GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                                   v1::Case* response) {
  if (request->case_id().empty()) return server::ToGrpcStatus(server::FieldError("case_id", "must not be empty"));
  auto view = views_->Get(request->case_id());
  if (!view.ok()) return server::ToGrpcStatus(view.status());
  if (!view->has_value()) {
    return server::ToGrpcStatus(absl::NotFoundError(absl::StrCat("case ", request->case_id(), " not found")));
  }
  *response = **view;
  return grpc::Status::OK;
}

grpc::Status DispatchGrpc::GetCaseTimeline(grpc::ServerContext* context, const v1::GetCaseTimelineRequest* request,
                                           v1::CaseTimeline* response) {
  if (request->case_id().empty()) return server::ToGrpcStatus(server::FieldError("case_id", "must not be empty"));
  auto events = views_->Timeline(request->case_id());
  if (!events.ok()) return server::ToGrpcStatus(events.status());
  if (events->empty()) {
    return server::ToGrpcStatus(absl::NotFoundError(absl::StrCat("case ", request->case_id(), " not found")));
  }
  response->set_case_id(request->case_id());
  for (auto& event : *events) *response->add_events() = std::move(event);
  return grpc::Status::OK;
}

}  // namespace gridcase::dispatch
