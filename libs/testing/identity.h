#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/auth/token_signer.h"

namespace gridcase::testing {

// A county's identity providers for a test: a people's issuer and a services' issuer, each with a freshly generated
// P-256 key and its JWKS file under `dir`, and tokens minted with them (real ES256 tokens, verified by the services
// as in production). Thread-safe.
class TestIdentity {
 public:
  static constexpr char kPersonIssuer[] = "gridcase-test-people";
  static constexpr char kServiceIssuer[] = "gridcase-test-services";
  static constexpr char kAudience[] = "gridcase";
  // The service identity the harness reads and relays ratings as; services are started trusting it to issue codes.
  static constexpr char kHarnessService[] = "notifier";

  static absl::StatusOr<std::unique_ptr<TestIdentity>> Create(const std::string& dir);

  // The flags that make a service trust these issuers and sign its own calls with the services' key.
  std::vector<std::string> ServiceFlags() const;
  // Sets ServiceFlags() in this process (for tests that run a service's parts in process).
  absl::Status SetServiceFlags() const;

  // "Bearer …" for a person acting in `role` for `unit`, or for a service (`role` ROLE_SYSTEM, `person` its name).
  // Like a real client, the same caller's token is reused (for up to kTokenReuse of its hour) rather than minted
  // anew for every call; a key rotation mints new ones.
  std::string Authorization(v1::Role role, const std::string& unit, const std::string& person) const;
  std::string Authorization(const v1::Actor& actor) const;
  std::string ServiceAuthorization(const std::string& service) const;
  // "Bearer …" for any claims, signed with the services' key when `claims.issuer` is kServiceIssuer and with the
  // people's current key otherwise: expired, for another audience, naming another issuer…
  std::string AuthorizationFor(const auth::TokenSigner::Claims& claims) const;

  // How this identity's channels secure their connections: the credentials of a client acting as the service
  // `service` (mutual TLS: that service's certificate), or as a person (`service` empty: no certificate). Unset:
  // plaintext. Set it before making channels.
  using Transport = std::function<std::shared_ptr<grpc::ChannelCredentials>(const std::string& service)>;
  void SetTransport(Transport transport);

  // A channel whose calls carry a token for `actor`; with a transport, a service actor (ROLE_SYSTEM) presents its
  // certificate.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& address, const v1::Actor& actor) const;
  // A channel that acts as the test says: a command as the actor it names, a submission as the caller its channel
  // needs (a hotline operator of 330199.12345 for a 12345 call, a grid worker of the request's grid patrol, the
  // app's or Open311's front end), anything else as the harness service (kHarnessService). With a transport, the
  // connection presents the harness service's certificate: under mutual TLS its submissions as the app's or Open311's
  // front end are refused (their tokens do not match the certificate); use ChannelAs for those.
  std::shared_ptr<grpc::Channel> ActingChannel(const std::string& address) const;

  // The hotline centre the acting channel's operators belong to.
  static constexpr char kHotlineCentre[] = "330199.12345";

  // Key rotation of the people's issuer, as an operator does it: a new key is added to the JWKS beside the old one
  // and persons' tokens are signed with it from now on; later the old key is retired (removed from the JWKS).
  // Returns the new key's kid.
  absl::StatusOr<std::string> AddPersonKey();
  absl::Status RetirePersonKey(const std::string& kid);

 private:
  TestIdentity(std::string dir, std::vector<auth::KeyPair> person_keys, std::unique_ptr<auth::TokenSigner> service)
      : dir_(std::move(dir)), person_keys_(std::move(person_keys)), service_(std::move(service)) {
    absl::MutexLock lock(&mu_);
    UseNewestPersonKeyLocked();
  }
  absl::Status WritePersonJwks() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  std::shared_ptr<grpc::ChannelCredentials> TransportFor(const std::string& service) const;

  // After the people's keys changed: signs with the newest from now on and forgets the tokens minted before.
  void UseNewestPersonKeyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  static constexpr absl::Duration kTokenReuse = absl::Minutes(10);
  struct MintedToken {
    std::string authorization;
    absl::Time issued_at;
  };

  const std::string dir_;
  mutable absl::Mutex mu_;
  std::vector<auth::KeyPair> person_keys_ ABSL_GUARDED_BY(mu_);  // The newest signs.
  std::shared_ptr<auth::TokenSigner> person_signer_ ABSL_GUARDED_BY(mu_);  // nullptr: the newest key is unreadable.
  mutable std::map<std::string, MintedToken> minted_ ABSL_GUARDED_BY(mu_);  // By issuer, role, unit and subject.
  uint64_t key_generation_ ABSL_GUARDED_BY(mu_) = 0;  // Counts rotations of the people's keys.
  std::unique_ptr<auth::TokenSigner> service_;
  Transport transport_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::testing
