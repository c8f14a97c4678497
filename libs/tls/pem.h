#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::tls {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509StorePtr = std::unique_ptr<X509_STORE, X509StoreFree>;

// Takes OpenSSL's oldest queued error as text and clears the queue; `when_none` when the queue holds none.
std::string TakeOpenSslError(const char* when_none);

// A certificate with its chain and private key, as read from PEM files.
struct CertifiedKey {
  X509Ptr leaf;
  X509StackPtr chain;  // The certificates after the first in the file (intermediates, the CA).
  PkeyPtr key;
};

// Reads `cert_path` (the certificate, then its chain), without a key; INVALID_ARGUMENT naming the file when it holds
// no PEM certificate.
absl::StatusOr<CertifiedKey> ReadCertificateChain(const std::string& cert_path);
// Reads a PEM private key; INVALID_ARGUMENT naming the file when it holds none.
absl::StatusOr<PkeyPtr> ReadPrivateKey(const std::string& key_path);
// Gives `certified` its key; INVALID_ARGUMENT naming `key_path` when the key does not belong to the certificate.
absl::Status UseKey(CertifiedKey& certified, PkeyPtr key, const std::string& cert_path, const std::string& key_path);

// Reads `cert_path` (the certificate, then its chain) and `key_path`; INVALID_ARGUMENT naming the file when either
// holds no PEM certificate or key, or the key does not belong to the certificate.
absl::StatusOr<CertifiedKey> ReadCertifiedKey(const std::string& cert_path, const std::string& key_path);

// The certificates of `ca_path` as a trust store; INVALID_ARGUMENT when it holds none.
absl::StatusOr<X509StorePtr> ReadTrustStore(const std::string& ca_path);

// OK when `certified`'s certificate chains to a certificate of `trust` and is valid now; INVALID_ARGUMENT with
// OpenSSL's reason otherwise.
absl::Status VerifyChain(const CertifiedKey& certified, X509_STORE* trust);

// The certificate's serial number in hex ("4F1A…"), and its subject's common name.
std::string SerialHex(X509* certificate);
std::string CommonName(X509* certificate);
// The names a certificate carries: its subject's common name, then its DNS subject alternative names.
std::vector<std::string> CertificateNames(X509* certificate);

// The first certificate of a PEM text; INVALID_ARGUMENT when it holds none.
absl::StatusOr<X509Ptr> ParsePemCertificate(const std::string& pem);

}  // namespace gridcase::tls
