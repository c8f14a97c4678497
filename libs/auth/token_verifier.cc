#include "libs/auth/token_verifier.h"

#include <algorithm>

#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/jws.h"
#include "libs/auth/role_claim.h"
#include "libs/metrics/reload_report.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

// NumericDate values beyond this (year 5138) are not dates a gridcase token carries.
constexpr double kMaxNumericDate = 1e11;

absl::Status Unauthenticated(absl::string_view reason) { return absl::UnauthenticatedError(reason); }

absl::Status Malformed(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("malformed token: ", reason));
}

std::string UtcTime(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()); }

// The NumericDate claim `name` (RFC 7519 §2: seconds since the epoch, integer or not), or nullopt when absent.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<absl::Time>();
  if (it->is_number_integer() && !it->is_number_unsigned()) {
    int64_t v = it->get<int64_t>();
    if (std::abs(static_cast<double>(v)) <= kMaxNumericDate) return std::optional<absl::Time>(absl::FromUnixSeconds(v));
  } else if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    if (static_cast<double>(v) <= kMaxNumericDate) {
      return std::optional<absl::Time>(absl::FromUnixSeconds(static_cast<int64_t>(v)));
    }
  } else if (it->is_number_float()) {
    double v = it->get<double>();
    if (std::isfinite(v) && std::abs(v) <= kMaxNumericDate) {
      return std::optional<absl::Time>(absl::UnixEpoch() + absl::Seconds(v));
    }
  }
  return Malformed(absl::StrCat("claim '", name, "' is not a date (seconds since 1970)"));
}

// The string claim `name`; Unauthenticated "missing claim" when absent or empty and `required`.
absl::StatusOr<std::string> StringClaim(const nlohmann::json& claims, const char* name, bool required) {
  auto it = claims.find(name);
  if (it == claims.end() || (it->is_string() && it->get_ref<const std::string&>().empty())) {
    if (required) return Unauthenticated(absl::StrCat("missing claim '", name, "'"));
    return std::string();
  }
  if (!it->is_string()) return Malformed(absl::StrCat("claim '", name, "' is not a string"));
  return it->get<std::string>();
}

// Checks "aud" (a string or an array of strings) names `audience`.
absl::Status CheckAudience(const nlohmann::json& claims, const std::string& audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return Unauthenticated("missing claim 'aud'");
  if (it->is_string()) {
    if (*it == audience) return absl::OkStatus();
    return Unauthenticated(absl::StrCat("token is for audience '", it->get<std::string>(), "', not '", audience, "'"));
  }
  if (!it->is_array()) return Malformed("claim 'aud' is neither a string nor an array of strings");
  std::vector<std::string> named;
  for (const nlohmann::json& a : *it) {
    if (!a.is_string()) return Malformed("claim 'aud' is neither a string nor an array of strings");
    if (a == audience) return absl::OkStatus();
    named.push_back(a.get<std::string>());
  }
  if (named.empty()) return Unauthenticated("missing claim 'aud'");
  return Unauthenticated(
      absl::StrCat("token is for audience '", absl::StrJoin(named, "', '"), "', not '", audience, "'"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(Options options) {
  if (options.issuers.empty()) return absl::InvalidArgumentError("no trusted issuer");
  if (options.audience.empty()) return absl::InvalidArgumentError("empty audience");
  if (options.leeway < absl::ZeroDuration()) return absl::InvalidArgumentError("negative leeway");
  if (!options.now) options.now = [] { return absl::Now(); };
  std::set<std::string> names;
  for (const Issuer& issuer : options.issuers) {
    if (issuer.issuer.empty()) return absl::InvalidArgumentError("trusted issuer with an empty name");
    if (!names.insert(issuer.issuer).second) {
      return absl::InvalidArgumentError(absl::StrCat("issuer '", issuer.issuer, "' is listed twice"));
    }
  }
  std::unique_ptr<TokenVerifier> verifier(new TokenVerifier(std::move(options)));
  for (const Issuer& issuer : verifier->options_.issuers) {
    absl::StatusOr<KeySet> keys = LoadJwksFile(issuer.jwks_path);
    if (!keys.ok()) return keys.status();
    auto state = std::make_unique<IssuerState>();
    state->config = issuer;
    {
      absl::MutexLock lock(&state->mu);
      state->keys = std::make_shared<const KeySet>(*std::move(keys));
    }
    IssuerState* raw = state.get();
    state->reloader = std::make_unique<config::FileReloader>(config::FileReloader::Options{
        .path = issuer.jwks_path,
        .reload =
            [raw](const std::string& path) {
              absl::StatusOr<KeySet> loaded = LoadJwksFile(path);
              if (!loaded.ok()) return loaded.status();
              auto fresh = std::make_shared<const KeySet>(*std::move(loaded));
              absl::MutexLock lock(&raw->mu);
              raw->keys = std::move(fresh);
              return absl::OkStatus();
            },
        .poll_interval = verifier->options_.reload_poll,
        .on_result = [name = absl::StrCat("jwks:", issuer.issuer)](
                         const absl::Status& status) { metrics::ReportReload(name, status); },
    });
    verifier->issuers_.push_back(std::move(state));
  }
  return verifier;
}

TokenVerifier::~TokenVerifier() {
  // Stop every polling thread before any issuer state goes away.
  for (auto& state : issuers_) state->reloader.reset();
}

absl::Status TokenVerifier::ReloadNow() {
  absl::Status first;
  for (auto& state : issuers_) first.Update(state->reloader->ReloadNow());
  return first;
}

const TokenVerifier::IssuerState* TokenVerifier::FindIssuer(absl::string_view issuer) const {
  for (const auto& state : issuers_) {
    if (state->config.issuer == issuer) return state.get();
  }
  return nullptr;
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view authorization_header) const {
  absl::string_view header = absl::StripAsciiWhitespace(authorization_header);
  if (header.empty()) return Unauthenticated("missing bearer token");
  size_t space = header.find_first_of(" \t");
  absl::string_view scheme = header.substr(0, space);
  if (!absl::EqualsIgnoreCase(scheme, "bearer")) {
    return Unauthenticated(absl::StrCat("missing bearer token (the authorization scheme is '", scheme.substr(0, 16),
                                        "', not 'Bearer')"));
  }
  absl::string_view token =
      space == absl::string_view::npos ? absl::string_view() : absl::StripAsciiWhitespace(header.substr(space));
  if (token.empty()) return Unauthenticated("missing bearer token");

  const absl::Time now = options_.now();
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(token);
    if (it != cache_.end()) {
      const Verified& known = it->second;
      if (now <= known.principal.expires + options_.leeway && now + options_.leeway >= known.not_before &&
          known.issuer->Keys() == known.keys) {
        return known.principal;
      }
      cache_.erase(it);  // Expired, not yet valid or its keys reloaded: verify in full (and say why).
    }
  }
  absl::StatusOr<Verified> verified = VerifyToken(token, now);
  if (!verified.ok()) return verified.status();
  constexpr size_t kMostRemembered = 10000;
  absl::MutexLock lock(&cache_mu_);
  if (cache_.size() >= kMostRemembered) cache_.clear();
  cache_.insert_or_assign(std::string(token), *verified);
  return verified->principal;
}

absl::StatusOr<TokenVerifier::Verified> TokenVerifier::VerifyToken(absl::string_view token, absl::Time now) const {
  absl::StatusOr<CompactJws> jws = ParseCompactJws(token);
  if (!jws.ok()) return Malformed(jws.status().message());
  const nlohmann::json& claims = jws->payload;

  auto alg = jws->header.find("alg");
  if (alg == jws->header.end() || !alg->is_string()) return Malformed("header has no 'alg'");
  if (*alg != "ES256") {
    return Unauthenticated(absl::StrCat("unsupported algorithm '", alg->get<std::string>(), "' (only ES256)"));
  }
  if (jws->header.contains("crit")) return Malformed("header has critical extensions ('crit'), none is supported");
  std::optional<std::string> kid;
  if (auto it = jws->header.find("kid"); it != jws->header.end()) {
    if (!it->is_string()) return Malformed("header 'kid' is not a string");
    kid = it->get<std::string>();
  }

  absl::StatusOr<std::string> iss = StringClaim(claims, "iss", /*required=*/true);
  if (!iss.ok()) return iss.status();
  const IssuerState* issuer = FindIssuer(*iss);
  if (issuer == nullptr) return Unauthenticated(absl::StrCat("token issued by '", *iss, "', not a trusted issuer"));

  std::shared_ptr<const KeySet> keys = issuer->Keys();
  bool signed_ok = false;
  if (kid.has_value()) {
    const Es256Key* key = keys->Find(*kid);
    if (key == nullptr) {
      return Unauthenticated(absl::StrCat("unknown signing key '", *kid, "' of issuer '", *iss, "'"));
    }
    signed_ok = key->Verify(jws->signing_input, jws->signature);
  } else {
    for (const JwksKey& k : keys->keys) {
      if (k.key.Verify(jws->signing_input, jws->signature)) {
        signed_ok = true;
        break;
      }
    }
  }
  if (!signed_ok) return Unauthenticated("bad signature");

  absl::StatusOr<std::optional<absl::Time>> exp = NumericDate(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return Unauthenticated("missing claim 'exp'");
  if (now > **exp + options_.leeway) return Unauthenticated(absl::StrCat("token expired at ", UtcTime(**exp)));
  absl::Time latest_not_before = absl::InfinitePast();
  for (const char* name : {"nbf", "iat"}) {
    absl::StatusOr<std::optional<absl::Time>> not_before = NumericDate(claims, name);
    if (!not_before.ok()) return not_before.status();
    if (not_before->has_value()) latest_not_before = std::max(latest_not_before, **not_before);
    if (not_before->has_value() && now + options_.leeway < **not_before) {
      return Unauthenticated(absl::StrCat("token not valid before ", UtcTime(**not_before), " (claim '", name,
                                          "'; now ", UtcTime(now), ")"));
    }
  }
  if (absl::Status aud = CheckAudience(claims, options_.audience); !aud.ok()) return aud;

  absl::StatusOr<std::string> sub = StringClaim(claims, "sub", /*required=*/true);
  if (!sub.ok()) return sub.status();
  absl::StatusOr<std::string> role_claim = StringClaim(claims, "role", /*required=*/true);
  if (!role_claim.ok()) return role_claim.status();
  absl::StatusOr<v1::Role> role = RoleFromClaim(*role_claim);
  if (!role.ok()) return Unauthenticated(role.status().message());
  const IdentityKind kind = issuer->config.kind;
  if (kind == IdentityKind::kPerson && *role == v1::ROLE_SYSTEM) {
    return Unauthenticated("role 'system' is not allowed in a person token");
  }
  if (kind == IdentityKind::kService && *role != v1::ROLE_SYSTEM) {
    return Unauthenticated(absl::StrCat("a service token must have role 'system', not '", *role_claim, "'"));
  }
  absl::StatusOr<std::string> unit = StringClaim(claims, "unit", /*required=*/kind == IdentityKind::kPerson);
  if (!unit.ok()) return unit.status();

  return Verified{.principal = Principal{.subject = *std::move(sub),
                                         .role = *role,
                                         .unit = *std::move(unit),
                                         .issuer = *std::move(iss),
                                         .kind = kind,
                                         .expires = **exp},
                  .not_before = latest_not_before,
                  .issuer = issuer,
                  .keys = std::move(keys)};
}

}  // namespace gridcase::auth
