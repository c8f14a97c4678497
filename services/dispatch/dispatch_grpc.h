#pragma once

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "libs/access/caller.h"
#include "libs/events/case_views.h"
#include "libs/server/call_auth.h"
#include "libs/server/blocking_pool.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/case_commands.h"

namespace gridcase::dispatch {

// gRPC face of dispatch for handlers: converts between the wire and the core. ExecuteCommand is a raw method so that
// handlers' text with invalid UTF-8 gets INVALID_ARGUMENT naming the field. Every call acts and reads as its
// authenticated caller (libs/server/call_auth.h): commands run with the caller as their actor, reads return only the
// cases the read table (libs/access/read_scope.h) lets the caller see, masked unless it must contact the resident.
class DispatchGrpc final
    : public v1::DispatchService::WithRawCallbackMethod_ExecuteCommand<v1::DispatchService::Service> {
 public:
  static constexpr int kDefaultTimelinePage = 500;
  static constexpr int kMaxTimelinePage = 1000;

  // All pointers must outlive the service.
  // `personal_data` opens the sealed residents of what a caller may read (then masked as the read table says).
  // `machine` answers ListAllowedCommands.
  DispatchGrpc(events::CaseViews* views, RedisProjectionStore* queues, CaseCommands* commands,
               server::BlockingPool* pool, privacy::PersonalData* personal_data, const CaseMachine* machine)
      : views_(views), queues_(queues), commands_(commands), pool_(pool), personal_data_(personal_data),
        machine_(machine) {}

  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request, v1::Case* response) override;
  grpc::Status GetCaseTimeline(grpc::ServerContext* context, const v1::GetCaseTimelineRequest* request,
                               v1::CaseTimeline* response) override;
  grpc::Status ListQueue(grpc::ServerContext* context, const v1::ListQueueRequest* request,
                         v1::ListQueueResponse* response) override;
  grpc::ServerUnaryReactor* ExecuteCommand(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  // A supervisor erases the cases within its area, a service any case and any resident (by phone or resident id).
  grpc::Status ErasePersonalData(grpc::ServerContext* context, const v1::ErasePersonalDataRequest* request,
                                 v1::ErasePersonalDataResponse* response) override;
  static constexpr int kMaxAllowedCommandsCases = 100;
  grpc::Status ListAllowedCommands(grpc::ServerContext* context, const v1::ListAllowedCommandsRequest* request,
                                   v1::ListAllowedCommandsResponse* response) override;

 private:
  // The case, when the call has a caller and it may read the case: the caller's error, or INVALID_ARGUMENT,
  // NOT_FOUND or PERMISSION_DENIED otherwise.
  absl::StatusOr<v1::Case> ReadableCase(const absl::StatusOr<access::Caller>& caller, server::Call& call,
                                        const std::string& case_id);
  grpc::Status Execute(const access::Caller& caller, server::Call& call, const v1::CaseCommandRequest& request,
                       v1::CaseCommandResponse* response);

  events::CaseViews* views_;
  RedisProjectionStore* queues_;
  CaseCommands* commands_;
  server::BlockingPool* pool_;
  privacy::PersonalData* personal_data_;
  const CaseMachine* machine_;
};

// The actor a command runs as: the caller. A request that names an actor must name exactly the caller
// (PERMISSION_DENIED otherwise); the request's actor is never trusted on its own.
absl::StatusOr<v1::Actor> ActorOf(const access::Caller& caller, const v1::Actor& claimed);

}  // namespace gridcase::dispatch
