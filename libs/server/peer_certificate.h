#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"

namespace gridcase::server {

// The names the client certificate of a call's connection carries — its subject's common name, then its DNS subject
// alternative names — as the TLS transport verified it against the CA; empty when the connection is plaintext or the
// client presented no certificate.
std::vector<std::string> ClientCertificateNames(const grpc::AuthContext& peer);

// Mutual TLS proves a service identity: a service token for `service` counts only when the connection's client
// certificate names that service (one of `certificate_names` equals it). UNAUTHENTICATED otherwise, saying what the
// connection presented.
absl::Status CheckServiceCertificate(const std::vector<std::string>& certificate_names, absl::string_view service);

}  // namespace gridcase::server
