#include "services/dispatch/dispatch_grpc.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/access/masking.h"
#include "libs/access/read_scope.h"
#include "libs/log/log.h"
#include "libs/server/call_auth.h"
#include "libs/server/grpc_status.h"
#include "libs/server/raw_request.h"
#include "libs/validation/key_part.h"
#include "services/dispatch/command_codec.h"
#include "services/dispatch/personal_data_retention.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {
namespace {

// Shows `c` to the caller of `call` as the read table allows (the caller may see it: checked before), noting an
// unmasked answer on the call's access record.
void ShowTo(const access::Caller& caller, server::Call& call, v1::Case& c) {
  access::Visibility visibility = access::CaseVisibility(caller, c);
  if (visibility == access::Visibility::kFull) call.MarkUnmasked();
  access::ApplyVisibility(visibility, c);
}

}  // namespace

absl::StatusOr<v1::Case> DispatchGrpc::ReadableCase(const absl::StatusOr<access::Caller>& caller,
                                                     server::Call& call, const std::string& case_id) {
  call.AddCase(case_id);  // Even a refused caller's record names the case it asked for.
  if (!caller.ok()) return caller.status();
  if (absl::Status s = validation::CheckKeyPart("case_id", case_id); !s.ok()) return s;
  auto view = views_->Get(case_id);
  if (!view.ok()) return view.status();
  if (!view->has_value()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  if (absl::Status s = access::CheckCanRead(*caller, **view); !s.ok()) return s;
  return **std::move(view);
}

grpc::Status DispatchGrpc::GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request,
                                   v1::Case* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  auto caller = call->caller();
  auto c = ReadableCase(caller, *call, request->case_id());
  if (!c.ok()) return server::ToGrpcStatus(c.status());
  if (absl::Status s = personal_data_->OpenCase(*c); !s.ok()) return server::ToGrpcStatus(s);
  ShowTo(*caller, *call, *c);
  *response = *std::move(c);
  return grpc::Status::OK;
}

grpc::Status DispatchGrpc::GetCaseTimeline(grpc::ServerContext* context, const v1::GetCaseTimelineRequest* request,
                                           v1::CaseTimeline* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  auto caller = call->caller();
  auto c = ReadableCase(caller, *call, request->case_id());
  if (!c.ok()) return server::ToGrpcStatus(c.status());
  if (request->page_size() < 0 || request->page_size() > kMaxTimelinePage) {
    return server::ToGrpcStatus(server::FieldError("page_size", absl::StrCat("must be within 0..", kMaxTimelinePage)));
  }
  int64_t offset = 0;
  if (!request->page_token().empty() && (!absl::SimpleAtoi(request->page_token(), &offset) || offset < 0)) {
    return server::ToGrpcStatus(server::FieldError("page_token", "is not a token from a previous page"));
  }
  const int64_t size = request->page_size() == 0 ? kDefaultTimelinePage : request->page_size();
  auto page = views_->Timeline(request->case_id(), offset, size);
  if (!page.ok()) return server::ToGrpcStatus(page.status());
  if (page->total == 0) {
    return server::ToGrpcStatus(absl::NotFoundError(absl::StrCat("case ", request->case_id(), " not found")));
  }
  if (offset + size < page->total) response->set_next_page_token(absl::StrCat(offset + size));
  access::Visibility visibility = access::CaseVisibility(*caller, *c);
  if (visibility == access::Visibility::kFull) call->MarkUnmasked();
  response->set_case_id(request->case_id());
  for (auto& event : page->events) {
    if (absl::Status s = personal_data_->OpenEvent(event); !s.ok()) return server::ToGrpcStatus(s);
    if (visibility == access::Visibility::kMasked) access::MaskEvent(event);
    *response->add_events() = std::move(event);
  }
  return grpc::Status::OK;
}

grpc::Status DispatchGrpc::ListQueue(grpc::ServerContext* context, const v1::ListQueueRequest* request,
                                     v1::ListQueueResponse* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  if (absl::Status s = validation::CheckKeyPart("unit_code", request->unit_code()); !s.ok()) {
    return server::ToGrpcStatus(s);
  }
  if (absl::Status s = access::CheckCanReadQueue(*caller, request->unit_code()); !s.ok()) {
    return server::ToGrpcStatus(s);
  }
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
  for (auto& c : page->first) {
    // Every case of the queue is held by a unit the caller may read; one it may not see any more (it moved since
    // the queue was read) is left out.
    if (access::CaseVisibility(*caller, c) == access::Visibility::kNone) continue;
    call->AddCase(c.id());
    if (absl::Status s = personal_data_->OpenCase(c); !s.ok()) return server::ToGrpcStatus(s);
    ShowTo(*caller, *call, c);
    *response->add_cases() = std::move(c);
  }
  response->set_total(page->second);
  if (offset + size < page->second) response->set_next_page_token(absl::StrCat(offset + size));
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* DispatchGrpc::ExecuteCommand(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->SetCommand("ExecuteCommand");
  bool queued = pool_->Submit([this, context, reactor, request, response, call] {
    v1::CaseCommandRequest decoded;
    grpc::Status status;
    // Decoded first (it has no effect) so that even a refused caller's record names the case it aimed at.
    absl::Status decoded_ok = server::DecodeRequest(*request, &decoded);
    call->AddCase(decoded.case_id());
    call->SetRequestId(decoded.request_id());
    auto caller = call->caller();
    if (!caller.ok()) {
      status = server::ToGrpcStatus(caller.status());
    } else if (!decoded_ok.ok()) {
      status = server::ToGrpcStatus(decoded_ok);
    } else if (absl::Status wanted = server::StillWanted(context->deadline(), context->IsCancelled());
               !wanted.ok()) {
      status = server::ToGrpcStatus(wanted);
    } else {
      v1::CaseCommandResponse result;
      status = Execute(*caller, *call, decoded, &result);
      if (status.ok()) server::EncodeResponse(result, response);
    }
    reactor->Finish(status);
  });
  if (!queued) {
    (void)call->caller();  // Refused whoever called: the handler has looked at its caller.
    reactor->Finish(server::ToGrpcStatus(server::Busy()));
  }
  return reactor;
}

grpc::Status DispatchGrpc::ListAllowedCommands(grpc::ServerContext* context,
                                               const v1::ListAllowedCommandsRequest* request,
                                               v1::ListAllowedCommandsResponse* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  if (request->case_ids_size() == 0 || request->case_ids_size() > kMaxAllowedCommandsCases) {
    return server::ToGrpcStatus(
        server::FieldError("case_ids", absl::StrCat("must hold 1..", kMaxAllowedCommandsCases, " case ids")));
  }
  const v1::Actor actor = caller->ToActor();
  for (const std::string& case_id : request->case_ids()) {
    if (absl::Status s = validation::CheckKeyPart("case_ids", case_id); !s.ok()) return server::ToGrpcStatus(s);
    auto view = views_->Get(case_id);
    if (!view.ok()) return server::ToGrpcStatus(view.status());
    if (!view->has_value() || !access::CheckCanRead(*caller, **view).ok()) continue;
    call->AddCase(case_id);
    const v1::Case& c = **view;
    v1::AllowedCommands& allowed = *response->add_cases();
    allowed.set_case_id(case_id);
    allowed.set_version(c.version());
    allowed.set_status(c.status());
    allowed.set_paused(c.paused());
    for (CommandKind kind : machine_->AllowedCommands(c, actor)) {
      allowed.add_commands(std::string(CommandKindName(kind)));
    }
  }
  return grpc::Status::OK;
}

absl::StatusOr<v1::Actor> ActorOf(const access::Caller& caller, const v1::Actor& claimed) {
  v1::Actor actor = caller.ToActor();
  bool claimed_any = claimed.role() != v1::ROLE_UNSPECIFIED || !claimed.person_id().empty() ||
                     !claimed.unit_code().empty();
  if (claimed_any && (claimed.role() != actor.role() || claimed.person_id() != actor.person_id() ||
                      claimed.unit_code() != actor.unit_code())) {
    return absl::PermissionDeniedError(absl::StrCat("actor: must be the authenticated caller (",
                                                    caller.Describe(), ") or left empty"));
  }
  return actor;
}

grpc::Status DispatchGrpc::Execute(const access::Caller& caller, server::Call& call,
                                   const v1::CaseCommandRequest& request, v1::CaseCommandResponse* response) {
  call.AddCase(request.case_id());
  call.SetRequestId(request.request_id());
  auto command = CommandFromProto(request);
  if (!command.ok()) return server::ToGrpcStatus(command.status());
  std::string name(CommandKindName(KindOf(*command)));
  call.SetCommand(name);
  auto actor = ActorOf(caller, request.actor());
  if (!actor.ok()) return server::ToGrpcStatus(actor.status());
  auto result = commands_->Execute(request.case_id(), *command, *actor, request.expected_version(),
                                   request.request_id());
  if (!result.ok()) {
    spdlog::info("msg=command_refused case_id={} command={} role={} unit={} person={} code={} reason={}",
                 request.case_id(), name, v1::Role_Name(actor->role()), actor->unit_code(), actor->person_id(),
                 absl::StatusCodeToString(result.status().code()), log::Quote(result.status().message()));
    return server::ToGrpcStatus(result.status());
  }
  spdlog::info("msg=command_executed case_id={} command={} role={} unit={} person={} version={} status={}",
               request.case_id(), name, v1::Role_Name(actor->role()), actor->unit_code(), actor->person_id(),
               result->after.version(), v1::CaseStatus_Name(result->after.status()));
  // The actor acted on the case; what it sees of the case afterwards follows the read table like any read.
  access::Visibility visibility = access::CaseVisibility(caller, result->after);
  if (absl::Status s = personal_data_->OpenCase(result->after); !s.ok()) return server::ToGrpcStatus(s);
  if (absl::Status s = personal_data_->OpenEvent(result->event); !s.ok()) return server::ToGrpcStatus(s);
  if (visibility == access::Visibility::kFull) call.MarkUnmasked();
  if (visibility != access::Visibility::kFull) {
    access::MaskCase(result->after);
    access::MaskEvent(result->event);
  }
  *response->mutable_case_() = std::move(result->after);
  *response->mutable_event() = std::move(result->event);
  return grpc::Status::OK;
}

grpc::Status DispatchGrpc::ErasePersonalData(grpc::ServerContext* context,
                                             const v1::ErasePersonalDataRequest* request,
                                             v1::ErasePersonalDataResponse* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->SetCommand("ErasePersonalData");
  call->SetRequestId(request->request_id());
  if (request->subject_case() == v1::ErasePersonalDataRequest::kCaseId) call->AddCase(request->case_id());
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  if (request->note().size() > 2000) return server::ToGrpcStatus(server::FieldError("note", "is too long"));
  if (request->request_id().size() > 128) {
    return server::ToGrpcStatus(server::FieldError("request_id", "must be at most 128 characters"));
  }
  const bool service = caller->service && caller->role == v1::ROLE_SYSTEM;
  // The keys to erase, by case (none listed: every key of the case).
  std::vector<std::pair<std::string, std::vector<std::string>>> targets;
  switch (request->subject_case()) {
    case v1::ErasePersonalDataRequest::kCaseId: {
      if (!service && caller->role != v1::ROLE_SUPERVISOR) {
        return server::ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
            access::RoleName(caller->role), " may not erase personal data (supervisors and services may)")));
      }
      auto c = ReadableCase(caller, *call, request->case_id());
      if (!c.ok()) return server::ToGrpcStatus(c.status());
      targets.push_back({request->case_id(), {}});
      break;
    }
    case v1::ErasePersonalDataRequest::kResidentPhone:
    case v1::ErasePersonalDataRequest::kResidentId: {
      const bool by_phone = request->subject_case() == v1::ErasePersonalDataRequest::kResidentPhone;
      if (!service) {
        return server::ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
            access::RoleName(caller->role), " may not erase a resident across cases (services may)")));
      }
      const std::string& value = by_phone ? request->resident_phone() : request->resident_id();
      if (value.empty() || value.size() > 128) {
        return server::ToGrpcStatus(
            server::FieldError(by_phone ? "resident_phone" : "resident_id", "must be 1..128 characters"));
      }
      auto refs = personal_data_->store()->KeysOfResident(by_phone ? personal_data_->PhoneToken(value)
                                                                   : personal_data_->ResidentIdToken(value));
      if (!refs.ok()) return server::ToGrpcStatus(refs.status());
      for (const privacy::KeyRef& ref : *refs) {
        auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == ref.case_id; });
        if (it == targets.end()) {
          targets.push_back({ref.case_id, {}});
          it = targets.end() - 1;
        }
        it->second.push_back(ref.key_id);
      }
      std::sort(targets.begin(), targets.end());
      for (const auto& target : targets) call->AddCase(target.first);
      break;
    }
    case v1::ErasePersonalDataRequest::SUBJECT_NOT_SET:
      return server::ToGrpcStatus(
          server::FieldError("subject", "one of case_id, resident_phone, resident_id is required"));
  }
  for (const auto& [case_id, key_ids] : targets) {
    auto erased = commands_->ErasePersonalData(case_id, key_ids, v1::PersonalDataErased::REASON_REQUEST,
                                               request->note(), caller->ToActor(), request->request_id());
    if (!erased.ok() && absl::IsNotFound(erased.status()) && !key_ids.empty()) {
      // An index entry of a case never projected (its submission did not complete): nothing to record, the keys go.
      auto gone = personal_data_->store()->Erase(case_id, key_ids);
      if (!gone.ok()) return server::ToGrpcStatus(gone.status());
      continue;
    }
    if (!erased.ok()) {
      spdlog::warn("msg=erasure_failed case_id={} role={} code={} reason={}", case_id, v1::Role_Name(caller->role),
                   absl::StatusCodeToString(erased.status().code()), log::Quote(erased.status().message()));
      return server::ToGrpcStatus(erased.status());
    }
    if (erased->version > 0) CountErasure("request");
    spdlog::info("msg=personal_data_erased case_id={} keys={} version={} reason=REQUEST role={} unit={} person={}",
                 case_id, erased->key_ids.size(), erased->version, v1::Role_Name(caller->role), caller->unit,
                 caller->person_id);
    v1::ErasedCase* out = response->add_cases();
    out->set_case_id(case_id);
    for (const std::string& id : erased->key_ids) out->add_key_ids(id);
    out->set_version(erased->version);
  }
  return grpc::Status::OK;
}

}  // namespace gridcase::dispatch
