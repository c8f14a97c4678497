#include "services/dispatch/dispatch_grpc.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "libs/log/log.h"
#include "libs/server/grpc_status.h"
#include "libs/server/raw_request.h"
#include "services/dispatch/command_codec.h"
#include "spdlog/spdlog.h"

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

grpc::Status DispatchGrpc::ListQueue(grpc::ServerContext* context, const v1::ListQueueRequest* request,
                                     v1::ListQueueResponse* response) {
  if (request->unit_code().empty()) return server::ToGrpcStatus(server::FieldError("unit_code", "must not be empty"));
  if (request->page_size() < 0 || request->page_size() > 500) {
    return server::ToGrpcStatus(server::FieldError("page_size", "must be within 0..500"));
  }
  int64_t offset = 0;
  if (!request->page_token().empty() && (!absl::SimpleAtoi(request->page_token(), &offset) || offset < 0)) {
    return server::ToGrpcStatus(server::FieldError("page_token", "is not a token from a previous page"));
  }
  int64_t size = request->page_size() == 0 ? 50 : request->page_size();
  auto page = queues_->Queue(request->unit_code(), offset, size);
  if (!page.ok()) return server::ToGrpcStatus(page.status());
  for (auto& c : page->first) *response->add_cases() = std::move(c);
  response->set_total(page->second);
  if (offset + size < page->second) response->set_next_page_token(absl::StrCat(offset + size));
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* DispatchGrpc::ExecuteCommand(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool_->Submit([this, reactor, request, response] {
    v1::CaseCommandRequest decoded;
    grpc::Status status;
    if (absl::Status s = server::DecodeRequest(*request, &decoded); !s.ok()) {
      status = server::ToGrpcStatus(s);
    } else {
      v1::CaseCommandResponse result;
      status = Execute(decoded, &result);
      if (status.ok()) server::EncodeResponse(result, response);
    }
    reactor->Finish(status);
  });
  return reactor;
}

grpc::Status DispatchGrpc::Execute(const v1::CaseCommandRequest& request, v1::CaseCommandResponse* response) {
  auto command = CommandFromProto(request);
  if (!command.ok()) return server::ToGrpcStatus(command.status());
  auto result = commands_->Execute(request.case_id(), *command, request.actor(), request.expected_version(),
                                   request.request_id());
  std::string name(CommandKindName(KindOf(*command)));
  if (!result.ok()) {
    spdlog::info("msg=command_refused case_id={} command={} role={} unit={} code={} reason={}", request.case_id(),
                 name, v1::Role_Name(request.actor().role()), request.actor().unit_code(),
                 absl::StatusCodeToString(result.status().code()), log::Quote(result.status().message()));
    return server::ToGrpcStatus(result.status());
  }
  spdlog::info("msg=command_executed case_id={} command={} role={} unit={} version={} status={}", request.case_id(),
               name, v1::Role_Name(request.actor().role()), request.actor().unit_code(), result->after.version(),
               v1::CaseStatus_Name(result->after.status()));
  *response->mutable_case_() = std::move(result->after);
  *response->mutable_event() = std::move(result->event);
  return grpc::Status::OK;
}

}  // namespace gridcase::dispatch
