#include "libs/auth/token_signer.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/jwks.h"
#include "libs/auth/jws.h"
#include "libs/auth/role_claim.h"

namespace gridcase::auth {

absl::StatusOr<std::unique_ptr<TokenSigner>> TokenSigner::FromPemFile(const std::string& private_key_pem_path,
                                                                      std::string kid) {
  std::ifstream in(private_key_pem_path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(private_key_pem_path, ": cannot open private key"));
  std::stringstream pem;
  pem << in.rdbuf();
  absl::StatusOr<std::unique_ptr<TokenSigner>> signer = FromPem(pem.str(), std::move(kid));
  if (!signer.ok()) {
    return absl::Status(signer.status().code(), absl::StrCat(private_key_pem_path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<std::unique_ptr<TokenSigner>> TokenSigner::FromPem(const std::string& private_key_pem, std::string kid) {
  if (kid.empty()) return absl::InvalidArgumentError("empty kid");
  absl::StatusOr<Es256Key> key = Es256Key::FromPrivatePem(private_key_pem);
  if (!key.ok()) return key.status();
  return std::make_unique<TokenSigner>(*std::move(key), std::move(kid));
}

absl::StatusOr<std::string> TokenSigner::Mint(const Claims& claims) const {
  if (claims.issuer.empty()) return absl::InvalidArgumentError("empty issuer");
  if (claims.audience.empty()) return absl::InvalidArgumentError("empty audience");
  if (claims.subject.empty()) return absl::InvalidArgumentError("empty subject");
  std::string role = RoleClaim(claims.role);
  if (role.empty()) return absl::InvalidArgumentError("unspecified role");
  if (claims.ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl must be positive");
  int64_t iat = absl::ToUnixSeconds(claims.issued_at);
  int64_t exp = absl::ToUnixSeconds(claims.issued_at + claims.ttl);
  nlohmann::json payload = {{"iss", claims.issuer}, {"aud", claims.audience}, {"sub", claims.subject},
                            {"role", role},         {"iat", iat},             {"exp", exp}};
  if (!claims.unit.empty()) payload["unit"] = claims.unit;
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid_}};
  return SignCompactJws(header, payload, key_);
}

absl::StatusOr<KeyPair> GenerateKeyPair(std::string kid) {
  if (kid.empty()) return absl::InvalidArgumentError("empty kid");
  absl::StatusOr<Es256Key> key = Es256Key::Generate();
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> pem = key->PrivatePem();
  if (!pem.ok()) return pem.status();
  absl::StatusOr<nlohmann::json> jwk = PublicJwk(*key, kid);
  if (!jwk.ok()) return jwk.status();
  return KeyPair{.private_pem = *std::move(pem), .public_jwk = *std::move(jwk), .kid = std::move(kid)};
}

}  // namespace gridcase::auth
