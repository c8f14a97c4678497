#include "libs/server/peer_certificate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/grpc_security_constants.h"

namespace gridcase::server {

std::vector<std::string> ClientCertificateNames(const grpc::AuthContext& peer) {
  std::vector<std::string> names;
  for (const char* property : {GRPC_X509_CN_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME}) {
    for (const grpc::string_ref& value : peer.FindPropertyValues(property)) {
      names.emplace_back(value.data(), value.size());
    }
  }
  return names;
}

absl::Status CheckServiceCertificate(const std::vector<std::string>& certificate_names, absl::string_view service) {
  if (std::find(certificate_names.begin(), certificate_names.end(), service) != certificate_names.end()) {
    return absl::OkStatus();
  }
  if (certificate_names.empty()) {
    return absl::UnauthenticatedError(absl::StrCat("a service token for '", service,
                                                   "' needs the client certificate of '", service,
                                                   "' (mutual TLS); the connection presented none"));
  }
  return absl::UnauthenticatedError(absl::StrCat("a service token for '", service,
                                                 "' needs the client certificate of '", service,
                                                 "' (mutual TLS); the connection presented one of '",
                                                 absl::StrJoin(certificate_names, "', '"), "'"));
}

}  // namespace gridcase::server
