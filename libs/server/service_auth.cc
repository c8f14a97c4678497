#include "libs/server/service_auth.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/auth/token_signer.h"

ABSL_FLAG(std::string, auth_audience, "gridcase", "The audience (aud) every token must name");
ABSL_FLAG(std::string, auth_person_issuer, "", "Issuer (iss) of people's tokens; required");
ABSL_FLAG(std::string, auth_person_jwks, "", "JWKS file with the people's issuer's verification keys; required");
ABSL_FLAG(std::string, auth_service_issuer, "", "Issuer (iss) of the services' tokens; required");
ABSL_FLAG(std::string, auth_service_jwks, "", "JWKS file with the services' issuer's verification keys; required");
ABSL_FLAG(std::string, auth_service_key, "",
          "This service's private signing key (PEM) for its calls to other services; required where it calls them");
ABSL_FLAG(std::string, auth_service_kid, "", "The kid of --auth_service_key (default: the file name without .pem)");
ABSL_FLAG(absl::Duration, auth_reload_poll, absl::Seconds(10),
          "How often the JWKS files are checked for new keys (0: only on SIGHUP)");

namespace gridcase::server {
namespace {

absl::Status Required(const std::string& flag, const std::string& value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, " is required (development keys: eval \"$(scripts/dev-keys)\" and export them)"));
}

std::string KidOf(const std::string& pem_path) {
  std::string name = pem_path.substr(pem_path.rfind('/') + 1);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".pem") name.resize(name.size() - 4);
  return name;
}

}  // namespace

access::Caller CallerOf(const auth::Principal& principal) {
  return {.role = principal.role,
          .person_id = principal.subject,
          .unit = principal.unit,
          .service = principal.kind == auth::IdentityKind::kService};
}

absl::StatusOr<std::unique_ptr<ServiceAuth>> ServiceAuth::FromFlags(const std::string& service,
                                                                   bool needs_own_token) {
  const std::string person_issuer = absl::GetFlag(FLAGS_auth_person_issuer);
  const std::string person_jwks = absl::GetFlag(FLAGS_auth_person_jwks);
  const std::string service_issuer = absl::GetFlag(FLAGS_auth_service_issuer);
  const std::string service_jwks = absl::GetFlag(FLAGS_auth_service_jwks);
  const std::string audience = absl::GetFlag(FLAGS_auth_audience);
  for (const auto& [flag, value] : {std::pair{"auth_person_issuer", person_issuer}, {"auth_person_jwks", person_jwks},
                                    {"auth_service_issuer", service_issuer}, {"auth_service_jwks", service_jwks},
                                    {"auth_audience", audience}}) {
    if (absl::Status s = Required(flag, value); !s.ok()) return s;
  }
  auto verifier = auth::TokenVerifier::Create(
      {.issuers = {{.issuer = person_issuer, .jwks_path = person_jwks, .kind = auth::IdentityKind::kPerson},
                   {.issuer = service_issuer, .jwks_path = service_jwks, .kind = auth::IdentityKind::kService}},
       .audience = audience,
       .reload_poll = absl::GetFlag(FLAGS_auth_reload_poll)});
  if (!verifier.ok()) return verifier.status();

  std::unique_ptr<auth::ServiceTokenSource> own;
  const std::string key = absl::GetFlag(FLAGS_auth_service_key);
  if (needs_own_token) {
    if (absl::Status s = Required("auth_service_key", key); !s.ok()) return s;
  }
  if (!key.empty()) {
    std::string kid = absl::GetFlag(FLAGS_auth_service_kid);
    auto signer = auth::TokenSigner::FromPemFile(key, kid.empty() ? KidOf(key) : kid);
    if (!signer.ok()) return signer.status();
    auto source = auth::ServiceTokenSource::Create(
        *std::move(signer), {.issuer = service_issuer, .audience = audience, .service = service, .unit = service});
    if (!source.ok()) return source.status();
    own = *std::move(source);
  }
  return std::unique_ptr<ServiceAuth>(new ServiceAuth(*std::move(verifier), std::move(own)));
}

Authenticator ServiceAuth::authenticator() const {
  const auth::TokenVerifier* verifier = verifier_.get();
  return [verifier](absl::string_view authorization) -> absl::StatusOr<access::Caller> {
    auto principal = verifier->Verify(authorization);
    if (!principal.ok()) return principal.status();
    return CallerOf(*principal);
  };
}

absl::StatusOr<std::string> ServiceAuth::OwnAuthorization() const {
  if (own_ == nullptr) return absl::FailedPreconditionError("this service has no signing key (--auth_service_key)");
  return own_->Authorization();
}

}  // namespace gridcase::server
