#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace gridcase::server {

// grpc.health.v1.Health: Check and Watch for the whole server ("") and for each registered service by full name.
// Thread-safe. Shutdown() ends every Watch stream so that the server can drain.
class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void Set(const std::string& service, Status status);
  // Sets every known service, and the server as a whole, to `status`.
  void SetAll(Status status);
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Status> statuses_;
  bool shut_down_ = false;
};

}  // namespace gridcase::server
