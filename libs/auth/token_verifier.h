#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/jwks.h"
#include "libs/auth/principal.h"
#include "libs/config/file_reloader.h"

namespace gridcase::auth {

// Turns an `Authorization` header into a Principal: checks an ES256 JWT's signature against the JWKS of the issuer
// it names, then its claims. Every failure is UNAUTHENTICATED with a reason a client can act on ("missing bearer
// token", "malformed token: …", "unsupported algorithm 'HS256'", "token issued by 'x', not a trusted issuer",
// "unknown signing key 'k' of issuer 'x'", "bad signature", "token expired at …", "token not valid before …",
// "token is for audience 'x', not 'y'", "missing claim 'unit'", "unknown role 'x'",
// "role 'system' is not allowed in a person token", "a service token must have role 'system', not 'x'").
// The signature is checked before any claim, so a forged token learns nothing about the claims it would need.
//
// Each trusted issuer has its own JWKS file (several keys, chosen by the token's "kid"; a token without "kid" is
// tried against each key of its issuer). The files reload without restart: polled every `reload_poll` and on
// ReloadNow(); a file that does not parse, or holds an unusable key, leaves that issuer's current keys in force.
//
// A token that verified is remembered (up to 10,000, by its exact text) with the key set that checked it, so the
// next call with it skips the signature and claims parsing; the times (exp, nbf, iat) are checked on every call, and
// a reload that changes its issuer's key set makes it verify in full again.
//
// Thread-safe: Verify() may run on any number of threads while a reload swaps a key set.
class TokenVerifier {
 public:
  struct Issuer {
    std::string issuer;     // the exact "iss" value
    std::string jwks_path;  // its verification keys
    IdentityKind kind;      // persons (any role but system, unit required) or services (role system only)
  };
  struct Options {
    std::vector<Issuer> issuers;
    std::string audience;  // the "aud" every token must name (a string, or one element of an array)
    absl::Duration leeway = absl::Seconds(30);       // clock skew allowed on exp, nbf and iat
    absl::Duration reload_poll = absl::Seconds(10);  // zero: reload only on ReloadNow()
    std::function<absl::Time()> now;                 // default absl::Now
  };

  // Loads every issuer's JWKS. InvalidArgument when there is no issuer, an issuer is named twice or the audience is
  // empty; a JWKS that cannot be loaded gives its loader's error, which names the file.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(Options options);

  // `authorization_header`: "Bearer <jwt>" (scheme case-insensitive, surrounding blanks ignored).
  absl::StatusOr<Principal> Verify(absl::string_view authorization_header) const;

  // Re-reads every JWKS file now. A file that fails keeps its issuer's old keys; the first failure is returned
  // after every file was tried.
  absl::Status ReloadNow();

  ~TokenVerifier();

 private:
  struct IssuerState {
    Issuer config;
    mutable absl::Mutex mu;
    std::shared_ptr<const KeySet> keys ABSL_GUARDED_BY(mu);
    std::unique_ptr<config::FileReloader> reloader;  // last: stops before the state it reloads goes away

    std::shared_ptr<const KeySet> Keys() const {
      absl::MutexLock lock(&mu);
      return keys;
    }
  };

  // A verified token: what it proved, and what must still hold for it to be taken again without checking.
  struct Verified {
    Principal principal;
    absl::Time not_before = absl::InfinitePast();  // the later of nbf and iat, if any
    const IssuerState* issuer = nullptr;
    std::shared_ptr<const KeySet> keys;  // the key set its signature was checked against
  };

  explicit TokenVerifier(Options options) : options_(std::move(options)) {}
  const IssuerState* FindIssuer(absl::string_view issuer) const;
  absl::StatusOr<Verified> VerifyToken(absl::string_view token, absl::Time now) const;

  const Options options_;
  std::vector<std::unique_ptr<IssuerState>> issuers_;
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, Verified> cache_ ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace gridcase::auth
