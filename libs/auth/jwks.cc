#include "libs/auth/jwks.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/base64url.h"

namespace gridcase::auth {
namespace {

// The string member `name` of `entry`; empty when absent; an error when present and not a string.
absl::StatusOr<std::string> StringMember(const nlohmann::json& entry, const char* name) {
  auto it = entry.find(name);
  if (it == entry.end()) return std::string();
  if (!it->is_string()) return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a string"));
  return it->get<std::string>();
}

absl::StatusOr<JwksKey> ParseKey(const nlohmann::json& entry) {
  if (!entry.is_object()) return absl::InvalidArgumentError("not a JSON object");
  absl::StatusOr<std::string> kid = StringMember(entry, "kid");
  absl::StatusOr<std::string> kty = StringMember(entry, "kty");
  absl::StatusOr<std::string> crv = StringMember(entry, "crv");
  absl::StatusOr<std::string> alg = StringMember(entry, "alg");
  absl::StatusOr<std::string> use = StringMember(entry, "use");
  absl::StatusOr<std::string> x = StringMember(entry, "x");
  absl::StatusOr<std::string> y = StringMember(entry, "y");
  for (const auto* member : {&kid, &kty, &crv, &alg, &use, &x, &y}) {
    if (!member->ok()) return member->status();
  }
  if (kid->empty()) return absl::InvalidArgumentError("missing 'kid'");
  if (*kty != "EC") {
    return absl::InvalidArgumentError(absl::StrCat("kty '", *kty, "' is not EC (only ES256 keys are accepted)"));
  }
  if (*crv != "P-256") return absl::InvalidArgumentError(absl::StrCat("crv '", *crv, "' is not P-256"));
  if (!alg->empty() && *alg != "ES256") {
    return absl::InvalidArgumentError(absl::StrCat("alg '", *alg, "' is not ES256"));
  }
  if (!use->empty() && *use != "sig") return absl::InvalidArgumentError(absl::StrCat("use '", *use, "' is not sig"));
  if (entry.contains("d")) return absl::InvalidArgumentError("holds a private key ('d'); publish public keys only");
  absl::StatusOr<std::string> x_bytes = Base64UrlDecode(*x);
  if (!x_bytes.ok()) return absl::InvalidArgumentError(absl::StrCat("x: ", x_bytes.status().message()));
  absl::StatusOr<std::string> y_bytes = Base64UrlDecode(*y);
  if (!y_bytes.ok()) return absl::InvalidArgumentError(absl::StrCat("y: ", y_bytes.status().message()));
  absl::StatusOr<Es256Key> key = Es256Key::FromPublicCoordinates(*x_bytes, *y_bytes);
  if (!key.ok()) return key.status();
  return JwksKey{.kid = *std::move(kid), .key = *std::move(key)};
}

}  // namespace

const Es256Key* KeySet::Find(absl::string_view kid) const {
  for (const JwksKey& k : keys) {
    if (k.kid == kid) return &k.key;
  }
  return nullptr;
}

absl::StatusOr<KeySet> ParseJwks(absl::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError("not a JWK Set: expected an object with a \"keys\" array");
  }
  const nlohmann::json& entries = doc["keys"];
  if (entries.empty()) return absl::InvalidArgumentError("no keys");
  KeySet set;
  std::set<std::string> kids;
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<JwksKey> key = ParseKey(entries[i]);
    std::string where = absl::StrCat("keys[", i, "]");
    if (entries[i].is_object() && entries[i].contains("kid") && entries[i]["kid"].is_string()) {
      absl::StrAppend(&where, " (kid '", entries[i]["kid"].get<std::string>(), "')");
    }
    if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", key.status().message()));
    if (!kids.insert(key->kid).second) return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate kid"));
    set.keys.push_back(*std::move(key));
  }
  return set;
}

absl::StatusOr<KeySet> LoadJwksFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open JWKS file"));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat(path, ": read failed"));
  absl::StatusOr<KeySet> set = ParseJwks(text.str());
  if (!set.ok()) return absl::Status(set.status().code(), absl::StrCat(path, ": ", set.status().message()));
  return set;
}

absl::StatusOr<nlohmann::json> PublicJwk(const Es256Key& key, absl::string_view kid) {
  std::string x, y;
  if (absl::Status s = key.PublicCoordinates(x, y); !s.ok()) return s;
  return nlohmann::json{{"kty", "EC"}, {"crv", "P-256"}, {"x", Base64UrlEncode(x)}, {"y", Base64UrlEncode(y)},
                        {"kid", std::string(kid)}, {"alg", "ES256"}, {"use", "sig"}};
}

}  // namespace gridcase::auth
