#include "libs/tls/https_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <array>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/log/log.h"
#include "libs/tls/pem.h"
#include "spdlog/spdlog.h"

namespace gridcase::tls {
namespace {

// What identifies a version of a file: a renewal that replaces it (rename) changes the inode, one that rewrites it
// changes the time or size.
struct FileStamp {
  int64_t mtime_ns = -1;
  int64_t size = -1;
  ino_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp StampOf(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return {};
  return {.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec,
          .size = static_cast<int64_t>(info.st_size),
          .inode = info.st_ino};
}

struct Loaded {
  CertifiedKey certified;
  X509StorePtr trust;
};

absl::StatusOr<std::shared_ptr<const Loaded>> Load(const TlsFiles& files) {
  auto loaded = std::make_shared<Loaded>();
  absl::StatusOr<CertifiedKey> certified = ReadCertifiedKey(files.cert, files.key);
  if (!certified.ok()) return certified.status();
  absl::StatusOr<X509StorePtr> trust = ReadTrustStore(files.ca);
  if (!trust.ok()) return trust.status();
  if (absl::Status chained = VerifyChain(*certified, trust->get()); !chained.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(files.cert, ": ", chained.message()));
  }
  loaded->certified = *std::move(certified);
  loaded->trust = *std::move(trust);
  return std::shared_ptr<const Loaded>(std::move(loaded));
}

// The certificate in force, re-read when its files change. Thread-safe.
class ReloadingCertificate {
 public:
  static absl::StatusOr<std::shared_ptr<ReloadingCertificate>> Create(const TlsFiles& files) {
    std::array<FileStamp, 3> stamps = Stamps(files);
    absl::StatusOr<std::shared_ptr<const Loaded>> loaded = Load(files);
    if (!loaded.ok()) return loaded.status();
    return std::shared_ptr<ReloadingCertificate>(new ReloadingCertificate(files, stamps, *std::move(loaded)));
  }

  std::shared_ptr<const Loaded> Current() {
    std::array<FileStamp, 3> stamps = Stamps(files_);
    absl::MutexLock lock(&mu_);
    if (stamps == stamps_ || stamps == failed_) return current_;
    absl::StatusOr<std::shared_ptr<const Loaded>> loaded = Load(files_);
    if (!loaded.ok()) {
      // Logged once per state of the files; retried when they change again.
      failed_ = stamps;
      spdlog::warn("msg=tls_reload_failed file={} error={}", log::Quote(files_.cert),
                   log::Quote(loaded.status().ToString()));
      return current_;
    }
    stamps_ = stamps;
    current_ = *std::move(loaded);
    spdlog::info("msg=tls_reloaded file={} serial={}", log::Quote(files_.cert),
                 SerialHex(current_->certified.leaf.get()));
    return current_;
  }

 private:
  ReloadingCertificate(TlsFiles files, std::array<FileStamp, 3> stamps, std::shared_ptr<const Loaded> loaded)
      : files_(std::move(files)), stamps_(stamps), current_(std::move(loaded)) {}

  static std::array<FileStamp, 3> Stamps(const TlsFiles& files) {
    return {StampOf(files.cert), StampOf(files.key), StampOf(files.ca)};
  }

  const TlsFiles files_;
  absl::Mutex mu_;
  std::array<FileStamp, 3> stamps_ ABSL_GUARDED_BY(mu_);
  std::array<FileStamp, 3> failed_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Loaded> current_ ABSL_GUARDED_BY(mu_);
};

// Called by OpenSSL in every server handshake before the certificate is chosen.
int UseCurrentCertificate(SSL* ssl, void* arg) {
  std::shared_ptr<const Loaded> current = static_cast<ReloadingCertificate*>(arg)->Current();
  const CertifiedKey& certified = current->certified;
  if (SSL_use_certificate(ssl, certified.leaf.get()) != 1 || SSL_use_PrivateKey(ssl, certified.key.get()) != 1 ||
      SSL_set1_chain(ssl, certified.chain.get()) != 1 ||
      SSL_set1_verify_cert_store(ssl, current->trust.get()) != 1) {
    return 0;
  }
  return 1;
}

class ReloadingHttpsServer final : public httplib::SSLServer {
 public:
  explicit ReloadingHttpsServer(std::shared_ptr<ReloadingCertificate> certificate)
      : httplib::SSLServer([raw = certificate.get()](SSL_CTX& context) {
          SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION);
          // Ask for a client certificate; verify one that is presented; let a client without one in.
          SSL_CTX_set_verify(&context, SSL_VERIFY_PEER, nullptr);
          SSL_CTX_set_cert_cb(&context, &UseCurrentCertificate, raw);
          return true;
        }),
        certificate_(std::move(certificate)) {}

 private:
  // The argument of the context's certificate callback, kept while the server serves.
  std::shared_ptr<ReloadingCertificate> certificate_;
};

}  // namespace

std::vector<std::string> ClientCertificateNames(const SSL* ssl) {
  if (ssl == nullptr) return {};
  // OpenSSL 3 keeps the verification result; a certificate that failed it never gets this far (SSL_VERIFY_PEER).
  X509* presented = SSL_get0_peer_certificate(ssl);
  if (presented == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  return CertificateNames(presented);
}

absl::StatusOr<server::HttpServerFactory> HttpsServers(const TlsFiles& files) {
  absl::StatusOr<std::shared_ptr<ReloadingCertificate>> certificate = ReloadingCertificate::Create(files);
  if (!certificate.ok()) return certificate.status();
  return server::HttpServerFactory(
      [certificate = *std::move(certificate)]() -> std::unique_ptr<httplib::Server> {
        return std::make_unique<ReloadingHttpsServer>(certificate);
      });
}

}  // namespace gridcase::tls
