#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace gridcase::server {

// The "Bearer …" value a caller sends as its `authorization` metadata, fetched for every call (so a renewed token
// is picked up).
using CredentialSource = std::function<absl::StatusOr<std::string>()>;

// A channel to `address` whose every call carries the credential. A credential that cannot be had is logged and the
// call goes out without one (the server then answers UNAUTHENTICATED). `transport` secures the connection: a service
// passes its process's credentials (service::ServerSecurity::ChannelCredentials: mutual TLS with its own certificate
// when TLS is on); null is plaintext.
std::shared_ptr<grpc::Channel> AuthorizedChannel(const std::string& address, CredentialSource credential,
                                                 std::shared_ptr<grpc::ChannelCredentials> transport = nullptr);

}  // namespace gridcase::server
