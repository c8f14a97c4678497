// Fuzz target for JWKS files (the issuers' verification keys, mounted from a Secret and reloaded while serving).
// Parsing never crashes; an accepted set holds at least one key, each with a non-empty kid unique in the set, found
// by that kid, a public key only, and writes back as a JWK that parses to the same point.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "libs/auth/jwks.h"
#include "nlohmann/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace auth = gridcase::auth;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto set = auth::ParseJwks(text);
  if (!set.ok()) {
    FUZZ_CHECK(set.status().code() == absl::StatusCode::kInvalidArgument, set.status().ToString());
    return 0;
  }
  FUZZ_CHECK(!set->keys.empty(), "at least one key");
  std::set<std::string> kids;
  for (const auth::JwksKey& entry : set->keys) {
    FUZZ_CHECK(!entry.kid.empty() && kids.insert(entry.kid).second, entry.kid);
    FUZZ_CHECK(set->Find(entry.kid) == &entry.key, entry.kid);
    FUZZ_CHECK(!entry.key.has_private_key(), entry.kid);
    std::string x, y;
    FUZZ_CHECK(entry.key.PublicCoordinates(x, y).ok() && x.size() == 32 && y.size() == 32, entry.kid);
    auto jwk = auth::PublicJwk(entry.key, entry.kid);
    FUZZ_CHECK(jwk.ok(), jwk.status().ToString());
    auto again = auth::ParseJwks(nlohmann::json({{"keys", nlohmann::json::array({*jwk})}}).dump());
    FUZZ_CHECK(again.ok() && again->keys.size() == 1 && again->keys[0].kid == entry.kid, entry.kid);
    std::string x2, y2;
    FUZZ_CHECK(again->keys[0].key.PublicCoordinates(x2, y2).ok() && x2 == x && y2 == y, entry.kid);
  }
  FUZZ_CHECK(set->Find("") == nullptr || kids.count("") == 1, "no key under an empty kid");
  return 0;
}
