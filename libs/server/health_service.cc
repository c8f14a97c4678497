#include "libs/server/health_service.h"

#include <chrono>

namespace gridcase::server {

using grpc::health::v1::HealthCheckResponse;

void HealthService::Set(const std::string& service, Status status) {
  std::lock_guard lock(mu_);
  statuses_[service] = status;
  changed_.notify_all();
}

void HealthService::SetAll(Status status) {
  std::lock_guard lock(mu_);
  statuses_[""] = status;
  for (auto& [name, s] : statuses_) s = status;
  changed_.notify_all();
}

void HealthService::Shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  for (auto& [name, s] : statuses_) s = HealthCheckResponse::NOT_SERVING;
  changed_.notify_all();
}

grpc::Status HealthService::Check(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  std::lock_guard lock(mu_);
  auto it = statuses_.find(request->service());
  if (it == statuses_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
  response->set_status(it->second);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  std::unique_lock lock(mu_);
  bool first = true;
  Status last = HealthCheckResponse::UNKNOWN;
  while (!context->IsCancelled()) {
    auto it = statuses_.find(request->service());
    Status current = it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second;
    if (first || current != last) {
      HealthCheckResponse response;
      response.set_status(current);
      lock.unlock();
      bool written = writer->Write(response);
      lock.lock();
      if (!written) break;
      first = false;
      last = current;
    }
    if (shut_down_) break;
    changed_.wait_for(lock, std::chrono::milliseconds(200));
  }
  return grpc::Status::OK;
}

}  // namespace gridcase::server
