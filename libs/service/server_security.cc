#include "libs/service/server_security.h"

#include <httplib.h>

#include "grpcpp/security/server_credentials.h"

namespace gridcase::service {

absl::StatusOr<ServerSecurity> ServerSecurity::FromFlags() { return ServerSecurity(); }

void ServerSecurity::ApplyTo(server::GrpcServerOptions& options) const {
  options.credentials = grpc::InsecureServerCredentials();
}

server::HttpServerFactory ServerSecurity::HttpServers() const { return server::PlainHttpServer; }

}  // namespace gridcase::service
