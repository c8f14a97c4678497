#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/es256.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {

// One verification key of a JWKS.
struct JwksKey {
  std::string kid;
  Es256Key key;
};

// The verification keys of one issuer (RFC 7517 JWK Set), several at once during a rotation.
struct KeySet {
  std::vector<JwksKey> keys;
  // The key named `kid`, or null.
  const Es256Key* Find(absl::string_view kid) const;
};

// Parses a JWK Set: {"keys": [...]}. All or nothing: every entry must be an ES256 public key (kty "EC", crv "P-256",
// 32-byte x and y on the curve, a non-empty kid unique in the set; "alg", if present, "ES256"; "use", if present,
// "sig"; no private part "d"), and the set must hold at least one key. An unusable entry rejects the whole set with an
// error naming it (index and kid), so a typo in a newly added key is noticed at once instead of silently leaving
// tokens signed with it unverifiable.
absl::StatusOr<KeySet> ParseJwks(absl::string_view text);

// Reads and parses the JWKS file at `path`; errors start with the path.
absl::StatusOr<KeySet> LoadJwksFile(const std::string& path);

// The public JWK of `key`: {"kty":"EC","crv":"P-256","x":…,"y":…,"kid":kid,"alg":"ES256","use":"sig"}.
absl::StatusOr<nlohmann::json> PublicJwk(const Es256Key& key, absl::string_view kid);

}  // namespace gridcase::auth
