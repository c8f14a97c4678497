#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::tls {

// The TLS files of one process, from flags (or their GRIDCASE_* environment variables):
//   --tls_cert         this process's certificate chain (PEM: its certificate first, then the CA)
//   --tls_key          its private key (PEM)
//   --tls_ca           the CA (PEM) that every peer's certificate must chain to
//   --tls_reload_poll  how often the three files are checked; a renewed certificate is served from the next check on,
//                      without a restart
// All three files empty: the process speaks plaintext (an environment without TLS). All three given: every gRPC and
// HTTP server of the process speaks TLS only, and its calls to other services present its certificate (mutual TLS).
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;
  absl::Duration reload_poll = absl::Seconds(10);
};

// `files` checked: nullopt when all three paths are empty (plaintext); INVALID_ARGUMENT naming the flag when only some
// are given, a file cannot be read, holds no certificate or key, the key does not belong to the certificate, or the
// certificate does not chain to the CA; INVALID_ARGUMENT when the poll is under one second.
absl::StatusOr<std::optional<TlsFiles>> CheckTlsFiles(const TlsFiles& files);

// CheckTlsFiles of the flags.
absl::StatusOr<std::optional<TlsFiles>> TlsFilesFromFlags();

}  // namespace gridcase::tls
