#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "openssl/types.h"

namespace gridcase::auth {

// An EC P-256 key for ES256 (RFC 7518 §3.4): a public key, or a private key with its public half. Signatures are the
// JWS form, r || s as two 32-byte big-endian integers; OpenSSL's DER form stays inside. Immutable once made; copies
// share the key; any number of threads may sign and verify with it at once.
class Es256Key {
 public:
  // A fresh private key.
  static absl::StatusOr<Es256Key> Generate();
  // A PEM private key (PKCS#8 "PRIVATE KEY" or "EC PRIVATE KEY"); any other key type or curve is an error.
  static absl::StatusOr<Es256Key> FromPrivatePem(absl::string_view pem);
  // A public key from its affine coordinates, 32 bytes each (a JWK's decoded x and y); rejects points off the curve.
  static absl::StatusOr<Es256Key> FromPublicCoordinates(absl::string_view x, absl::string_view y);

  bool has_private_key() const { return has_private_; }
  // PKCS#8 PEM of the private key.
  absl::StatusOr<std::string> PrivatePem() const;
  // The public point's affine coordinates, 32 bytes each.
  absl::Status PublicCoordinates(std::string& x, std::string& y) const;

  // The 64-byte JWS signature of `signing_input` (SHA-256, ECDSA). Needs the private key.
  absl::StatusOr<std::string> Sign(absl::string_view signing_input) const;
  // Whether `signature` (64 bytes, r || s) is this key's signature of `signing_input`.
  bool Verify(absl::string_view signing_input, absl::string_view signature) const;

 private:
  Es256Key(std::shared_ptr<EVP_PKEY> pkey, bool has_private) : pkey_(std::move(pkey)), has_private_(has_private) {}
  static absl::StatusOr<Es256Key> Adopt(EVP_PKEY* pkey, bool has_private);

  std::shared_ptr<EVP_PKEY> pkey_;
  bool has_private_ = false;
};

}  // namespace gridcase::auth
