#include "libs/server/grpc_server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/server_builder.h"

namespace gridcase::server {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const GrpcServerOptions& options,
                                                               const std::vector<NamedService>& services) {
  grpc::EnableDefaultHealthCheckService(false);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto health = std::make_unique<HealthService>();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(health.get());
  for (const NamedService& named : services) builder.RegisterService(named.service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ", options.address));
  }
  health->SetAll(grpc::health::v1::HealthCheckResponse::SERVING);
  for (const NamedService& named : services) health->Set(named.name, grpc::health::v1::HealthCheckResponse::SERVING);
  return std::unique_ptr<GrpcServer>(
      new GrpcServer(std::move(server), std::move(health), port, options.drain_timeout));
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, std::unique_ptr<HealthService> health, int port,
                       absl::Duration drain_timeout)
    : server_(std::move(server)), health_(std::move(health)), port_(port), drain_timeout_(drain_timeout) {}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  health_->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + drain_timeout_));
  server_->Wait();
}

}  // namespace gridcase::server
