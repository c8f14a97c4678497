#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/token_signer.h"

namespace gridcase::auth {

// A service's own identity for calling the other services: mints tokens with role system and subject = the service
// name from the services' issuer, and hands out the current one until less than a third of its ttl is left, then a
// fresh one. Thread-safe; callers racing at renewal time all get a valid token and the signer mints once.
class ServiceTokenSource {
 public:
  struct Options {
    std::string issuer;    // the services' issuer (e.g. "gridcase-dev-services")
    std::string audience;  // e.g. "gridcase"
    std::string service;   // the token's subject: "intake", "dispatch", "sla", "feedback"
    std::string unit;      // optional; omitted from the token when empty
    absl::Duration ttl = absl::Minutes(15);
    std::function<absl::Time()> now;  // default absl::Now
  };

  // InvalidArgument when issuer, audience or service is empty, the ttl is not positive or `signer` is null.
  static absl::StatusOr<std::unique_ptr<ServiceTokenSource>> Create(std::unique_ptr<TokenSigner> signer,
                                                                    Options options);

  // "Bearer <jwt>", the value for the `authorization` metadata of an outgoing call.
  absl::StatusOr<std::string> Authorization();

 private:
  ServiceTokenSource(std::unique_ptr<TokenSigner> signer, Options options)
      : signer_(std::move(signer)), options_(std::move(options)) {}

  const std::unique_ptr<TokenSigner> signer_;
  const Options options_;
  absl::Mutex mu_;
  std::string current_ ABSL_GUARDED_BY(mu_);  // "Bearer …", empty before the first mint
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::auth
