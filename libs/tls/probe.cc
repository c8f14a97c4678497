#include "libs/tls/probe.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "libs/tls/pem.h"

namespace gridcase::tls {

absl::StatusOr<PresentedCertificate> ProbeCertificate(const std::string& host, int port, const std::string& ca_path,
                                                     absl::Duration timeout) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (context == nullptr) return absl::InternalError("cannot make a TLS context");
  if (SSL_CTX_load_verify_locations(context.get(), ca_path.c_str(), nullptr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(ca_path, ": ", TakeOpenSslError("connection closed")));
  }
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  // gRPC servers speak HTTP/2 over TLS; HTTPS front doors HTTP/1.1.
  static const unsigned char kAlpn[] = "\x02h2\x08http/1.1";
  SSL_CTX_set_alpn_protos(context.get(), kAlpn, sizeof(kAlpn) - 1);
  const std::string address = absl::StrCat(host, ":", port);
  std::unique_ptr<BIO, decltype(&BIO_free_all)> socket(BIO_new_connect(address.c_str()), BIO_free_all);
  if (socket == nullptr || BIO_do_connect(socket.get()) != 1) {
    return absl::UnavailableError(absl::StrCat("TCP to ", address, ": ", TakeOpenSslError("connection closed")));
  }
  // The handshake is bounded by the socket's timeouts.
  const int fd = static_cast<int>(BIO_get_fd(socket.get(), nullptr));
  timeval limit = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), SSL_free);
  SSL_set_fd(ssl.get(), fd);
  SSL_set1_host(ssl.get(), host.c_str());
  if (SSL_connect(ssl.get()) != 1) {
    return absl::UnavailableError(absl::StrCat("TLS to ", address, ": ", TakeOpenSslError("connection closed")));
  }
  X509Ptr presented(SSL_get1_peer_certificate(ssl.get()));
  if (presented == nullptr) return absl::UnavailableError(absl::StrCat("TLS to ", address, ": no certificate"));
  return PresentedCertificate{.serial = SerialHex(presented.get()), .common_name = CommonName(presented.get())};
}

}  // namespace gridcase::tls
