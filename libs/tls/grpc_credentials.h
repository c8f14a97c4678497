#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/tls/tls_files.h"

namespace gridcase::tls {

// The credentials of a gRPC listening port: TLS with `files`' certificate; a client is asked for its certificate and
// one it presents must chain to the CA (or the handshake fails), but a client without one is let in (people's
// clients have none; which calls need a certificate is for the call's authentication to decide:
// server::CallAuthOptions). The files are re-read every `reload_poll`: new connections get a renewed certificate
// without a restart. Plaintext (grpc::InsecureServerCredentials) when `files` is nullopt.
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const std::optional<TlsFiles>& files);

// The credentials of a channel to a service: TLS that verifies the server's certificate against the CA and its name
// against the target's host, presenting `files`' certificate (mutual TLS), re-read every `reload_poll`. Plaintext
// when `files` is nullopt.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const std::optional<TlsFiles>& files);

// The same for a client without a certificate of its own (a person's client): it verifies the server only.
std::shared_ptr<grpc::ChannelCredentials> ServerVerifyingChannelCredentials(const std::string& ca_path,
                                                                           absl::Duration reload_poll);

}  // namespace gridcase::tls
