#pragma once

#include "gridcase/v1/notify.grpc.pb.h"
#include "services/notify/notify_front.h"

namespace gridcase::notify {

// gRPC face of notify: converts between the wire and NotifyFront.
class NotifyGrpc final : public v1::NotificationService::Service {
 public:
  // `front` must outlive the service.
  explicit NotifyGrpc(NotifyFront* front) : front_(front) {}

  grpc::Status RegisterIntegration(grpc::ServerContext* context, const v1::RegisterIntegrationRequest* request,
                                   v1::RegisterIntegrationResponse* response) override;
  grpc::Status ListIntegrations(grpc::ServerContext* context, const v1::ListIntegrationsRequest* request,
                                v1::ListIntegrationsResponse* response) override;
  grpc::Status UnregisterIntegration(grpc::ServerContext* context, const v1::UnregisterIntegrationRequest* request,
                                     v1::UnregisterIntegrationResponse* response) override;
  grpc::Status ListParked(grpc::ServerContext* context, const v1::ListParkedRequest* request,
                          v1::ListParkedResponse* response) override;
  grpc::Status Replay(grpc::ServerContext* context, const v1::ReplayRequest* request,
                      v1::ReplayResponse* response) override;

 private:
  NotifyFront* front_;
};

}  // namespace gridcase::notify
