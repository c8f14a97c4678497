#include "libs/auth/service_token.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gridcase::auth {

absl::StatusOr<std::unique_ptr<ServiceTokenSource>> ServiceTokenSource::Create(std::unique_ptr<TokenSigner> signer,
                                                                              Options options) {
  if (signer == nullptr) return absl::InvalidArgumentError("no signer");
  if (options.issuer.empty()) return absl::InvalidArgumentError("empty issuer");
  if (options.audience.empty()) return absl::InvalidArgumentError("empty audience");
  if (options.service.empty()) return absl::InvalidArgumentError("empty service name");
  if (options.ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl must be positive");
  if (!options.now) options.now = [] { return absl::Now(); };
  return std::unique_ptr<ServiceTokenSource>(new ServiceTokenSource(std::move(signer), std::move(options)));
}

absl::StatusOr<std::string> ServiceTokenSource::Authorization() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = options_.now();
  if (!current_.empty() && now < renew_at_) return current_;
  // Whole seconds, as the token carries them: the renewal point is computed from what verifiers will see.
  const absl::Time issued_at = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  absl::StatusOr<std::string> token = signer_->Mint({.issuer = options_.issuer,
                                                     .audience = options_.audience,
                                                     .subject = options_.service,
                                                     .role = v1::ROLE_SYSTEM,
                                                     .unit = options_.unit,
                                                     .issued_at = issued_at,
                                                     .ttl = options_.ttl});
  if (!token.ok()) return token.status();
  current_ = absl::StrCat("Bearer ", *token);
  renew_at_ = issued_at + options_.ttl - options_.ttl / 3;
  return current_;
}

}  // namespace gridcase::auth
