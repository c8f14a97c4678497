#include "services/intake/intake_grpc.h"

#include "absl/time/clock.h"
#include "libs/access/read_scope.h"
#include "libs/log/log.h"
#include "libs/server/call_auth.h"
#include "libs/server/grpc_status.h"
#include "libs/server/raw_request.h"
#include "spdlog/spdlog.h"

namespace gridcase::intake {

grpc::ServerUnaryReactor* IntakeGrpc::SubmitCase(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->SetCommand("SubmitCase");
  bool queued = pool_->Submit([this, context, reactor, request, response, call] {
    auto caller = call->caller();
    if (!caller.ok()) {
      reactor->Finish(server::ToGrpcStatus(caller.status()));
      return;
    }
    if (absl::Status wanted = server::StillWanted(context->deadline(), context->IsCancelled()); !wanted.ok()) {
      reactor->Finish(server::ToGrpcStatus(wanted));
      return;
    }
    v1::SubmitCaseRequest decoded;
    if (absl::Status s = server::DecodeRequest(*request, &decoded); !s.ok()) {
      metrics_.rejected.Increment();
      spdlog::warn("msg=submit_refused code=INVALID_ARGUMENT reason={}", log::Quote(s.message()));
      reactor->Finish(server::ToGrpcStatus(s));
      return;
    }
    call->SetRequestId(decoded.idempotency_key());
    v1::SubmitCaseResponse submitted;
    grpc::Status status = Submit(decoded, caller->ToActor(), &submitted);
    if (status.ok()) {
      call->AddCase(submitted.case_id());
      server::EncodeResponse(submitted, response);
    }
    reactor->Finish(status);
  });
  if (!queued) {
    (void)call->caller();  // Refused whoever called: the handler has looked at its caller.
    reactor->Finish(server::ToGrpcStatus(server::Busy()));
  }
  return reactor;
}

grpc::Status IntakeGrpc::Submit(const v1::SubmitCaseRequest& request, const v1::Actor& submitter,
                                v1::SubmitCaseResponse* response) {
  absl::Time start = absl::Now();
  auto result = intake_->Submit(request, submitter);
  metrics_.submit_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
  if (!result.ok()) {
    switch (result.status().code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kPermissionDenied:
        metrics_.rejected.Increment();
        break;
      case absl::StatusCode::kAlreadyExists:
        metrics_.conflicting.Increment();
        break;
      default:
        metrics_.failed.Increment();
    }
    spdlog::warn("msg=submit_refused channel={} key={} code={} reason={}", v1::Channel_Name(request.channel()),
                 log::Quote(request.idempotency_key()), absl::StatusCodeToString(result.status().code()),
                 log::Quote(result.status().message()));
    return server::ToGrpcStatus(result.status());
  }
  (result->duplicate_submit() ? metrics_.repeated : metrics_.accepted).Increment();
  spdlog::info("msg=case_submitted case_id={} channel={} repeat={} linked={} grid={} category={} emergency={} phone={}",
               result->case_id(), v1::Channel_Name(request.channel()), result->duplicate_submit(),
               !result->linked_to_case_id().empty(), result->grid_code(),
               v1::Category_Name(result->suggested_category()), result->emergency(),
               log::MaskPhone(request.resident().phone()));
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status IntakeGrpc::GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                                 v1::Case* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->AddCase(request->case_id());
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  auto result = intake_->GetCase(request->case_id());
  if (!result.ok()) return server::ToGrpcStatus(result.status());
  if (absl::Status s = access::CheckCanRead(*caller, *result); !s.ok()) return server::ToGrpcStatus(s);
  access::Visibility visibility = access::CaseVisibility(*caller, *result);
  if (absl::Status s = personal_data_->OpenCase(*result); !s.ok()) return server::ToGrpcStatus(s);
  if (visibility == access::Visibility::kFull) call->MarkUnmasked();
  access::ApplyVisibility(visibility, *result);
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status IntakeGrpc::ListCases(grpc::ServerContext* context, const v1::ListCasesRequest* request,
                                   v1::ListCasesResponse* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  auto result = intake_->ListCases(*request, [&](const v1::Case& c) {
    return access::CaseVisibility(*caller, c) != access::Visibility::kNone;
  });
  if (!result.ok()) return server::ToGrpcStatus(result.status());
  response->set_next_page_token(result->next_page_token());
  for (v1::Case& c : *result->mutable_cases()) {
    access::Visibility visibility = access::CaseVisibility(*caller, c);
    if (visibility == access::Visibility::kNone) continue;
    if (absl::Status s = personal_data_->OpenCase(c); !s.ok()) return server::ToGrpcStatus(s);
    if (visibility == access::Visibility::kFull) {
      call->MarkUnmasked();
      call->AddCase(c.id());
    }
    access::ApplyVisibility(visibility, c);
    *response->add_cases() = std::move(c);
  }
  return grpc::Status::OK;
}

}  // namespace gridcase::intake
