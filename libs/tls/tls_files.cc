#include "libs/tls/tls_files.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/tls/pem.h"

ABSL_FLAG(std::string, tls_cert, "",
          "This process's certificate chain (PEM); with --tls_key and --tls_ca every server speaks TLS only and calls "
          "to other services present it (empty, with the other two: plaintext)");
ABSL_FLAG(std::string, tls_key, "", "The private key (PEM) of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "", "The CA (PEM) every peer's certificate must chain to");
ABSL_FLAG(absl::Duration, tls_reload_poll, absl::Seconds(10),
          "How often the TLS files are checked; a renewed certificate is used from the next check on");

namespace gridcase::tls {

absl::StatusOr<std::optional<TlsFiles>> CheckTlsFiles(const TlsFiles& files) {
  if (files.cert.empty() && files.key.empty() && files.ca.empty()) return std::nullopt;
  const std::pair<const char*, const std::string*> flags[] = {
      {"--tls_cert", &files.cert}, {"--tls_key", &files.key}, {"--tls_ca", &files.ca}};
  for (const auto& [flag, value] : flags) {
    if (value->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " is required: --tls_cert, --tls_key and --tls_ca are given together (TLS) or not at all "
                             "(plaintext)"));
    }
  }
  if (files.reload_poll < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--tls_reload_poll must be at least 1s");
  }
  absl::StatusOr<CertifiedKey> certified = ReadCertificateChain(files.cert);
  if (!certified.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls_cert: ", certified.status().message()));
  absl::StatusOr<PkeyPtr> key = ReadPrivateKey(files.key);
  if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls_key: ", key.status().message()));
  if (absl::Status used = UseKey(*certified, *std::move(key), files.cert, files.key); !used.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--tls_key: ", used.message()));
  }
  absl::StatusOr<X509StorePtr> trust = ReadTrustStore(files.ca);
  if (!trust.ok()) return absl::InvalidArgumentError(absl::StrCat("--tls_ca: ", trust.status().message()));
  if (absl::Status chained = VerifyChain(*certified, trust->get()); !chained.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_cert: ", files.cert, " is not a valid certificate of the CA in ", files.ca, ": ",
                     chained.message()));
  }
  return files;
}

absl::StatusOr<std::optional<TlsFiles>> TlsFilesFromFlags() {
  return CheckTlsFiles({.cert = absl::GetFlag(FLAGS_tls_cert),
                        .key = absl::GetFlag(FLAGS_tls_key),
                        .ca = absl::GetFlag(FLAGS_tls_ca),
                        .reload_poll = absl::GetFlag(FLAGS_tls_reload_poll)});
}

}  // namespace gridcase::tls
