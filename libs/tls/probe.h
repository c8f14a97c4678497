#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::tls {

// The certificate a TLS server presented.
struct PresentedCertificate {
  std::string serial;       // hex
  std::string common_name;  // the subject's CN
};

// Opens a new TLS connection to host:port, verifies the server's certificate against `ca_path` (chain and host name)
// and returns it; UNAVAILABLE when the connection or the handshake fails (with OpenSSL's reason). For checking which
// certificate a server serves now (e.g. after a renewal) and for health probes of TLS ports.
absl::StatusOr<PresentedCertificate> ProbeCertificate(const std::string& host, int port, const std::string& ca_path,
                                                     absl::Duration timeout = absl::Seconds(5));

}  // namespace gridcase::tls
