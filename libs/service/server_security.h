#pragma once

#include "absl/status/statusor.h"
#include "libs/server/grpc_server.h"
#include "libs/server/http_server_factory.h"

namespace gridcase::service {

// How every server of a service process is secured. The runner builds one ServerSecurity per process and applies it
// to the gRPC server and to every HTTP front door it starts; a service never chooses credentials or authentication
// itself, so a new service cannot forget them.
//
// The contract of this class, for what it sets up:
//   - ApplyTo(GrpcServerOptions&) sets the transport credentials of the gRPC listening port (TLS or mutual TLS when
//     configured) and appends the interceptors that authenticate and authorise every call before its handler runs;
//   - HttpServers() returns the factory every HTTP front door makes its httplib server with: an httplib::SSLServer
//     when TLS is configured, carrying the pre-routing handler that authenticates every request.
// Both read their settings from flags in FromFlags, which refuses an inconsistent set (INVALID_ARGUMENT naming the
// flag). With no security flags defined, servers listen in plaintext and accept every caller.
class ServerSecurity {
 public:
  static absl::StatusOr<ServerSecurity> FromFlags();

  void ApplyTo(server::GrpcServerOptions& options) const;
  server::HttpServerFactory HttpServers() const;

 private:
  ServerSecurity() = default;
};

}  // namespace gridcase::service
