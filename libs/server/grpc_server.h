#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/support/server_interceptor.h"
#include "libs/server/health_service.h"

namespace gridcase::server {

struct GrpcServerOptions {
  std::string address = "127.0.0.1:0";  // Port 0 picks a free port.
  absl::Duration drain_timeout = absl::Seconds(10);
  // A request message larger than this is refused with RESOURCE_EXHAUSTED before any handler runs. Every gridcase
  // request is far smaller (a submission is at most 4000 characters of text and 5 URLs).
  int max_receive_message_bytes = 1 << 20;
  // Serves grpc.reflection.v1alpha.ServerReflection (what grpcurl and grpc_cli use to list and call methods).
  bool reflection = true;
  // How the listening port authenticates the transport; null: plaintext (grpc::InsecureServerCredentials).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Run on every call, in this order, before the handler (authentication, authorisation, auditing). Shared so that
  // one factory can serve several servers; each server calls CreateServerInterceptor per call.
  std::vector<std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
};

// A service to serve, with its full name ("gridcase.v1.IntakeService") for the health check.
struct NamedService {
  std::string name;
  grpc::Service* service;
};

// A running gRPC server with grpc.health.v1 and (unless switched off) server reflection. Health answers SERVING for the whole server and
// for each registered service once Start returns; Shutdown flips it to NOT_SERVING first, then stops taking calls and
// drains in-flight ones until the drain timeout. The services must outlive the server.
class GrpcServer {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options,
                                                            const std::vector<NamedService>& services);
  ~GrpcServer();

  int port() const { return port_; }
  void Shutdown();

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, std::unique_ptr<HealthService> health, int port,
             absl::Duration drain_timeout);

  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthService> health_;
  int port_;
  absl::Duration drain_timeout_;
  bool shut_down_ = false;
};

}  // namespace gridcase::server
