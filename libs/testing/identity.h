#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "grpcpp/channel.h"
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
  std::string Authorization(v1::Role role, const std::string& unit, const std::string& person) const;
  std::string Authorization(const v1::Actor& actor) const;
  std::string ServiceAuthorization(const std::string& service) const;

  // A channel whose calls carry a token for `actor`.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& address, const v1::Actor& actor) const;
  // A channel that acts as the test says: a command as the actor it names, a submission as the caller its channel
  // needs (a hotline operator of 330199.12345 for a 12345 call, a grid worker of the request's grid patrol, the
  // app's or Open311's front end), anything else as the harness service (kHarnessService).
  std::shared_ptr<grpc::Channel> ActingChannel(const std::string& address) const;

  // The hotline centre the acting channel's operators belong to.
  static constexpr char kHotlineCentre[] = "330199.12345";

 private:
  TestIdentity(std::string dir, std::unique_ptr<auth::TokenSigner> person, std::unique_ptr<auth::TokenSigner> service)
      : dir_(std::move(dir)), person_(std::move(person)), service_(std::move(service)) {}

  std::string dir_;
  std::unique_ptr<auth::TokenSigner> person_;
  std::unique_ptr<auth::TokenSigner> service_;
};

// An actor value for tests: a person in `role` for `unit`.
v1::Actor ActorOf(v1::Role role, const std::string& unit, const std::string& person);

}  // namespace gridcase::testing
