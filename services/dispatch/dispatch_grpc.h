#pragma once

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "libs/events/case_views.h"

namespace gridcase::dispatch {

// gRPC face of dispatch for handlers: converts between the wire and the projections / core.
class DispatchGrpc final : public v1::DispatchService::Service {
 public:
  // `views` must outlive the service.
  explicit DispatchGrpc(events::CaseViews* views) : views_(views) {}

  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request, v1::Case* response) override;
  grpc::Status GetCaseTimeline(grpc::ServerContext* context, const v1::GetCaseTimelineRequest* request,
                               v1::CaseTimeline* response) override;

 private:
  events::CaseViews* views_;
};

}  // namespace gridcase::dispatch
