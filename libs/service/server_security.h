#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/access/access_log.h"
#include "libs/config/runtime_config.h"
#include "libs/server/call_auth.h"
#include "libs/server/grpc_server.h"
#include "libs/server/http_server_factory.h"
#include "libs/server/service_channel.h"

namespace gridcase::service {

// How every server of a service process is secured. The runner builds one ServerSecurity per process and applies it
// to the gRPC server and to every HTTP front door it starts; a service never chooses credentials or authentication
// itself, so a new service cannot forget them.
//
// The contract of this class, for what it sets up:
//   - ApplyTo(GrpcServerOptions&) sets the transport credentials of the gRPC listening port and appends the
//     interceptor (server::CallAuthInterceptor) that verifies every call's bearer token before its handler runs,
//     refuses a call whose handler did not ask for its caller, and writes the access record of every command, every
//     refusal and every unmasked read to the audit topic (gridcase.audit.v1);
//   - HttpServers() returns the factory every HTTP front door makes its httplib server with; a front door that needs
//     tokens verifies them with authenticator() and records with access_log() (Open311 keeps its API keys, the
//     rating callback its one-time code);
//   - OwnCredential() is the service's own token for its calls to other services (a service identity, ROLE_SYSTEM,
//     from the services' issuer), ChannelCredentials() the transport of those calls;
//   - transport (libs/tls, flags --tls_cert, --tls_key, --tls_ca): without them every server is plaintext. With them
//     the gRPC port and every HTTP front door speak TLS only, with the process's certificate re-read every
//     --tls_reload_poll (a renewal needs no restart); a client certificate is asked for and must chain to the CA;
//     a service token counts only on a connection whose client certificate names the service (mutual TLS), and the
//     service's own calls present its certificate.
// FromFlags reads the identity flags (server::ServiceAuth: issuers, JWKS files, the service's signing key) and the
// TLS flags, and refuses a missing or invalid one (INVALID_ARGUMENT naming the flag or file): there are no built-in
// keys.
class ServerSecurity {
 public:
  static absl::StatusOr<ServerSecurity> FromFlags(const std::string& service, const config::RuntimeConfig& runtime);

  void ApplyTo(server::GrpcServerOptions& options) const;
  server::HttpServerFactory HttpServers() const;

  const server::Authenticator& authenticator() const;
  access::AccessLog* access_log() const;
  // FAILED_PRECONDITION naming --auth_service_key when the service has no signing key.
  absl::StatusOr<server::CredentialSource> OwnCredential() const;
  // The transport of the service's calls to other services (server::AuthorizedChannel): mutual TLS with the
  // process's certificate when TLS is on, plaintext otherwise.
  std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() const;
  bool tls() const;
  // Re-reads the verification keys (SIGHUP); they are also polled.
  absl::Status ReloadKeys() const;

 private:
  struct Parts;
  explicit ServerSecurity(std::shared_ptr<Parts> parts) : parts_(std::move(parts)) {}

  std::shared_ptr<Parts> parts_;
};

}  // namespace gridcase::service
