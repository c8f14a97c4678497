#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "libs/auth/es256.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {

// Mints ES256-signed JWTs with one private key. Used by scripts, tests and gridcase-token, and by services for their
// own short-lived service tokens (see service_token.h). Immutable; thread-safe.
class TokenSigner {
 public:
  // A P-256 private key in PEM (PKCS#8 or SEC 1) and the kid its public key has in the verifiers' JWKS.
  static absl::StatusOr<std::unique_ptr<TokenSigner>> FromPemFile(const std::string& private_key_pem_path,
                                                                  std::string kid);
  static absl::StatusOr<std::unique_ptr<TokenSigner>> FromPem(const std::string& private_key_pem, std::string kid);

  struct Claims {
    std::string issuer, audience, subject;
    v1::Role role;
    std::string unit;  // omitted from the token when empty
    absl::Time issued_at;
    absl::Duration ttl;
  };
  // A compact JWS with header {"alg":"ES256","typ":"JWT","kid":kid} and claims iss, aud, sub, role (RoleClaim), unit,
  // iat and exp = iat + ttl (whole seconds). InvalidArgument when issuer, audience or subject is empty, the role is
  // unspecified or the ttl is not positive.
  absl::StatusOr<std::string> Mint(const Claims& claims) const;

  const std::string& kid() const { return kid_; }

  TokenSigner(Es256Key key, std::string kid) : key_(std::move(key)), kid_(std::move(kid)) {}

 private:
  const Es256Key key_;
  const std::string kid_;
};

// A fresh P-256 key pair: the PEM (PKCS#8) private key and its public JWK
// (kty EC, crv P-256, x, y, kid, alg ES256, use sig).
struct KeyPair {
  std::string private_pem;
  nlohmann::json public_jwk;
  std::string kid;
};
absl::StatusOr<KeyPair> GenerateKeyPair(std::string kid);

}  // namespace gridcase::auth
