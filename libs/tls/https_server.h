#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/server/http_server_factory.h"
#include "libs/tls/tls_files.h"

namespace gridcase::tls {

// The factory of HTTPS front doors (httplib::SSLServer, TLS 1.2 or later) serving `files`' certificate. Each
// handshake checks whether the certificate, key or CA file changed (modification time, size, inode) and, when it did
// and the new pair loads and chains to the CA, serves the new certificate from that handshake on: a renewal takes
// effect without a restart. A half-written renewal (a new key beside the old certificate) keeps the old pair until
// both files agree. A client certificate is asked for and, when presented, must chain to the CA; a client without
// one is let in (residents' browsers and hotline integrations have none). Every server made by the factory shares the
// certificate state. INVALID_ARGUMENT when the files cannot be loaded now.
absl::StatusOr<server::HttpServerFactory> HttpsServers(const TlsFiles& files);

// The names of the client certificate of a request's connection (as the handshake verified it against the CA): its
// common name, then its DNS subject alternative names; empty when the client presented none. `ssl` is the request's
// connection (httplib::Request::ssl); null (plaintext) gives none.
std::vector<std::string> ClientCertificateNames(const SSL* ssl);

}  // namespace gridcase::tls
