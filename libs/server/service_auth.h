#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/service_token.h"
#include "libs/auth/token_verifier.h"
#include "libs/server/call_auth.h"

namespace gridcase::server {

// A service's identity setup, from flags (or their GRIDCASE_* environment variables, as `scripts/dev-keys` prints
// them): whom it trusts and how it proves itself to the other services.
//   --auth_audience          the audience every token must name ("gridcase")
//   --auth_person_issuer     the people's issuer; --auth_person_jwks its verification keys (JWKS file)
//   --auth_service_issuer    the services' issuer; --auth_service_jwks its verification keys
//   --auth_service_key       this service's signing key (PEM) for calls to other services, --auth_service_kid its kid
//   --auth_reload_poll       how often the JWKS files are re-read (they also reload on SIGHUP)
// There are no defaults for issuers or keys: a service without them does not start.
class ServiceAuth {
 public:
  // `service` names the service ("dispatch"): the subject of its own tokens. `needs_own_token`: the service calls
  // other services, so --auth_service_key is required.
  static absl::StatusOr<std::unique_ptr<ServiceAuth>> FromFlags(const std::string& service, bool needs_own_token);

  // Verifies a call's `authorization` header into its caller.
  Authenticator authenticator() const;
  // The service's own "Bearer …" for calls to other services; FAILED_PRECONDITION when it has no signing key.
  absl::StatusOr<std::string> OwnAuthorization() const;
  // Re-reads the JWKS files (SIGHUP).
  absl::Status Reload() { return verifier_->ReloadNow(); }

 private:
  ServiceAuth(std::unique_ptr<auth::TokenVerifier> verifier, std::unique_ptr<auth::ServiceTokenSource> own)
      : verifier_(std::move(verifier)), own_(std::move(own)) {}

  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<auth::ServiceTokenSource> own_;
};

// The caller a verified token proves.
access::Caller CallerOf(const auth::Principal& principal);

}  // namespace gridcase::server
