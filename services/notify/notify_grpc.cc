#include "services/notify/notify_grpc.h"

#include "libs/server/call_auth.h"
#include "libs/server/grpc_status.h"

namespace gridcase::notify {
namespace {

// Runs `act` with the verified caller; the call is recorded as `command` when it changes something.
template <typename Act>
grpc::Status WithCaller(grpc::ServerContext* context, const char* command, Act act) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  if (command != nullptr) call->SetCommand(command);
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  return server::ToGrpcStatus(act(*caller));
}

}  // namespace

grpc::Status NotifyGrpc::RegisterIntegration(grpc::ServerContext* context,
                                             const v1::RegisterIntegrationRequest* request,
                                             v1::RegisterIntegrationResponse* response) {
  return WithCaller(context, "RegisterIntegration", [&](const access::Caller& caller) {
    auto answer = front_->Register(caller, *request);
    if (answer.ok()) *response = *std::move(answer);
    return answer.status();
  });
}

grpc::Status NotifyGrpc::ListIntegrations(grpc::ServerContext* context, const v1::ListIntegrationsRequest*,
                                          v1::ListIntegrationsResponse* response) {
  return WithCaller(context, nullptr, [&](const access::Caller& caller) {
    auto answer = front_->List(caller);
    if (answer.ok()) *response = *std::move(answer);
    return answer.status();
  });
}

grpc::Status NotifyGrpc::UnregisterIntegration(grpc::ServerContext* context,
                                               const v1::UnregisterIntegrationRequest* request,
                                               v1::UnregisterIntegrationResponse*) {
  return WithCaller(context, "UnregisterIntegration",
                    [&](const access::Caller& caller) { return front_->Unregister(caller, request->name()); });
}

grpc::Status NotifyGrpc::ListParked(grpc::ServerContext* context, const v1::ListParkedRequest* request,
                                    v1::ListParkedResponse* response) {
  return WithCaller(context, nullptr, [&](const access::Caller& caller) {
    auto answer = front_->ListParked(caller, *request);
    if (answer.ok()) *response = *std::move(answer);
    return answer.status();
  });
}

grpc::Status NotifyGrpc::Replay(grpc::ServerContext* context, const v1::ReplayRequest* request,
                                v1::ReplayResponse* response) {
  return WithCaller(context, "Replay", [&](const access::Caller& caller) {
    auto answer = front_->Replay(caller, *request);
    if (answer.ok()) *response = *std::move(answer);
    return answer.status();
  });
}

}  // namespace gridcase::notify
