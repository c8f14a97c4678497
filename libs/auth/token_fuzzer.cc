// Fuzz target for bearer tokens: the Authorization header every call carries, from anyone. The first input byte
// picks what the rest is:
//   0: the whole header. Nothing the fuzzer writes carries a valid signature, so it never verifies; what splits as a
//      compact JWS has JSON object parts and canonical base64url.
//   1: a token's JOSE header (JSON text), over well-formed person claims, signed with the trusted person key.
//   2: a token's claims (JSON text) under {"alg":"ES256","kid":…}, signed with the trusted person key.
//   3: the same signed with the trusted services' key.
//   4: the same claims signed with an untrusted key under the trusted kid: never verifies.
// A token that verifies yields a Principal exactly as its claims say, checked here against the rules of
// token_verifier.h (issuer, audience, expiry, role by kind of issuer, unit of a person). Every refusal is
// UNAUTHENTICATED.

#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "libs/auth/base64url.h"
#include "libs/auth/es256.h"
#include "libs/auth/jwks.h"
#include "libs/auth/jws.h"
#include "libs/auth/role_claim.h"
#include "libs/auth/token_verifier.h"
#include "nlohmann/json.hpp"

namespace {

namespace auth = gridcase::auth;
using nlohmann::json;

constexpr char kPeople[] = "https://id.fuzz.example/people";
constexpr char kServices[] = "gridcase-fuzz-services";
constexpr char kAudience[] = "gridcase";
const absl::Time kNow = absl::FromUnixSeconds(1772330400);  // 2026-03-01T02:00:00Z
const absl::Duration kLeeway = absl::Seconds(30);

struct World {
  auth::Es256Key person_key, service_key, stranger_key;
  std::unique_ptr<auth::TokenVerifier> verifier;
};

auth::Es256Key NewKey() {
  auto key = auth::Es256Key::Generate();
  FUZZ_CHECK(key.ok(), key.status().ToString());
  return *key;
}

std::string WriteJwks(const std::string& dir, const std::string& name, const auth::Es256Key& key,
                      const std::string& kid) {
  auto jwk = auth::PublicJwk(key, kid);
  FUZZ_CHECK(jwk.ok(), jwk.status().ToString());
  std::string path = dir + "/" + name;
  std::ofstream(path) << json({{"keys", json::array({*jwk})}}).dump();
  return path;
}

World& TheWorld() {
  static World* world = [] {
    auto* w = new World{NewKey(), NewKey(), NewKey(), nullptr};
    char dir[] = "/tmp/gridcase-token-fuzzer-XXXXXX";
    FUZZ_CHECK(mkdtemp(dir) != nullptr, "mkdtemp");
    std::string people = WriteJwks(dir, "people.json", w->person_key, "person-1");
    std::string services = WriteJwks(dir, "services.json", w->service_key, "service-1");
    auto verifier = auth::TokenVerifier::Create(
        {.issuers = {{.issuer = kPeople, .jwks_path = people, .kind = auth::IdentityKind::kPerson},
                     {.issuer = kServices, .jwks_path = services, .kind = auth::IdentityKind::kService}},
         .audience = kAudience,
         .leeway = kLeeway,
         .reload_poll = absl::ZeroDuration(),
         .now = [] { return kNow; }});
    FUZZ_CHECK(verifier.ok(), verifier.status().ToString());
    w->verifier = *std::move(verifier);
    // The key files are read; nothing is reloaded afterwards.
    std::remove(people.c_str());
    std::remove(services.c_str());
    rmdir(dir);
    return w;
  }();
  return *world;
}

std::string Signed(const std::string& header_text, const std::string& claims_text, const auth::Es256Key& key) {
  std::string signing_input = absl::StrCat(auth::Base64UrlEncode(header_text), ".", auth::Base64UrlEncode(claims_text));
  auto signature = key.Sign(signing_input);
  FUZZ_CHECK(signature.ok(), signature.status().ToString());
  return absl::StrCat(signing_input, ".", auth::Base64UrlEncode(*signature));
}

std::optional<absl::Time> ClaimTime(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return absl::UnixEpoch() + absl::Seconds(it->get<double>());
}

// What token_verifier.h promises of an accepted token, read from its claims independently.
void CheckPrincipal(const auth::Principal& principal, const std::string& claims_text) {
  json claims = json::parse(claims_text, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(claims.is_object(), "accepted claims are an object");
  FUZZ_CHECK(claims.value("iss", json()) == principal.issuer, principal.issuer);
  FUZZ_CHECK(principal.issuer == kPeople || principal.issuer == kServices, principal.issuer);
  FUZZ_CHECK(claims.value("sub", json()) == principal.subject && !principal.subject.empty(), principal.subject);
  const json aud = claims.value("aud", json());
  bool audience = aud == kAudience;
  if (aud.is_array()) {
    for (const json& a : aud) audience = audience || a == kAudience;
  }
  FUZZ_CHECK(audience, aud.dump());
  std::optional<absl::Time> exp = ClaimTime(claims, "exp");
  FUZZ_CHECK(exp.has_value() && kNow <= *exp + kLeeway + absl::Seconds(1), "not expired");
  for (const char* name : {"nbf", "iat"}) {
    if (std::optional<absl::Time> t = ClaimTime(claims, name); t.has_value()) {
      FUZZ_CHECK(*t - kLeeway - absl::Seconds(1) <= kNow, absl::StrCat(name, " in the future"));
    }
  }
  auto role = auth::RoleFromClaim(claims.value("role", std::string()));
  FUZZ_CHECK(role.ok() && *role == principal.role, claims.value("role", json()).dump());
  if (principal.kind == auth::IdentityKind::kService) {
    FUZZ_CHECK(principal.issuer == kServices && principal.role == gridcase::v1::ROLE_SYSTEM, "service token");
  } else {
    FUZZ_CHECK(principal.issuer == kPeople && principal.role != gridcase::v1::ROLE_SYSTEM, "person token");
    FUZZ_CHECK(!principal.unit.empty() && claims.value("unit", json()) == principal.unit, principal.unit);
  }
}

void CheckRefused(const absl::StatusOr<auth::Principal>& principal) {
  FUZZ_CHECK(!principal.ok(), "verified without a valid signature: " + principal->subject);
  FUZZ_CHECK(principal.status().code() == absl::StatusCode::kUnauthenticated, principal.status().ToString());
}

// Whatever splits as a compact JWS has canonical parts.
void CheckCompactJws(const std::string& token) {
  auto jws = auth::ParseCompactJws(token);
  if (!jws.ok()) {
    FUZZ_CHECK(jws.status().code() == absl::StatusCode::kInvalidArgument, jws.status().ToString());
    return;
  }
  FUZZ_CHECK(jws->header.is_object() && jws->payload.is_object(), "JSON objects");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  FUZZ_CHECK(parts.size() == 3 && jws->signing_input == parts[0] + "." + parts[1], "signing input");
  FUZZ_CHECK(auth::Base64UrlEncode(jws->signature) == parts[2], "canonical signature encoding");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  World& w = TheWorld();
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string person_claims =
      json({{"iss", kPeople}, {"aud", kAudience}, {"sub", "p01"}, {"role", "grid_worker"},
            {"unit", "330199001001001"}, {"iat", 1772330000}, {"exp", 1772333600}})
          .dump();
  switch (data[0] % 5) {
    case 0: {
      if (auto decoded = auth::Base64UrlDecode(rest); decoded.ok()) {
        FUZZ_CHECK(auth::Base64UrlEncode(*decoded) == rest, "one encoding per byte string");
      }
      CheckCompactJws(rest);
      CheckRefused(w.verifier->Verify(rest));
      CheckRefused(w.verifier->Verify("Bearer " + rest));
      break;
    }
    case 1: {
      std::string token = Signed(rest, person_claims, w.person_key);
      CheckCompactJws(token);
      auto principal = w.verifier->Verify("Bearer " + token);
      if (principal.ok()) {
        json header = json::parse(rest, nullptr, false);
        FUZZ_CHECK(header.is_object() && header.value("alg", json()) == "ES256", rest);
        auto kid = header.find("kid");
        FUZZ_CHECK(kid == header.end() || *kid == "person-1", rest);
        CheckPrincipal(*principal, person_claims);
      } else {
        CheckRefused(principal);
      }
      break;
    }
    case 2:
    case 3: {
      const bool service = data[0] % 5 == 3;
      std::string header = json({{"alg", "ES256"}, {"kid", service ? "service-1" : "person-1"}}).dump();
      auto principal = w.verifier->Verify("Bearer " + Signed(header, rest, service ? w.service_key : w.person_key));
      if (principal.ok()) {
        CheckPrincipal(*principal, rest);
        FUZZ_CHECK((principal->kind == auth::IdentityKind::kService) == service, "kind of the signing issuer");
      } else {
        CheckRefused(principal);
      }
      break;
    }
    default: {
      std::string header = json({{"alg", "ES256"}, {"kid", "person-1"}}).dump();
      CheckRefused(w.verifier->Verify("Bearer " + Signed(header, rest, w.stranger_key)));
      break;
    }
  }
  return 0;
}
