#include "libs/testing/identity.h"

#include <fstream>

#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"
#include "libs/server/service_channel.h"
#include "nlohmann/json.hpp"

namespace gridcase::testing {
namespace {

absl::StatusOr<std::unique_ptr<auth::TokenSigner>> NewIssuerKey(const std::string& dir, const std::string& kind) {
  auto pair = auth::GenerateKeyPair(kind + "-1");
  if (!pair.ok()) return pair.status();
  nlohmann::json jwks = {{"keys", nlohmann::json::array({pair->public_jwk})}};
  std::ofstream(absl::StrCat(dir, "/", kind, "-jwks.json")) << jwks.dump();
  std::ofstream(absl::StrCat(dir, "/", kind, ".pem")) << pair->private_pem;
  return auth::TokenSigner::FromPem(pair->private_pem, pair->kid);
}

// Picks, per call, the token for what the request says the caller is.
class ActingInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ActingInterceptor(const TestIdentity* identity) : identity_(identity) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::string authorization = identity_->ServiceAuthorization(TestIdentity::kHarnessService);
      if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
        const auto* message = static_cast<const google::protobuf::Message*>(methods->GetSendMessage());
        if (const auto* command = dynamic_cast<const v1::CaseCommandRequest*>(message);
            command != nullptr && command->has_actor()) {
          authorization = identity_->Authorization(command->actor());
        } else if (const auto* submit = dynamic_cast<const v1::SubmitCaseRequest*>(message); submit != nullptr) {
          authorization = SubmitterAuthorization(*submit);
        }
      }
      methods->GetSendInitialMetadata()->insert({"authorization", authorization});
    }
    methods->Proceed();
  }

 private:
  std::string SubmitterAuthorization(const v1::SubmitCaseRequest& request) const {
    switch (request.channel()) {
      case v1::CHANNEL_HOTLINE_12345:
        return identity_->Authorization(v1::ROLE_HOTLINE_OPERATOR, TestIdentity::kHotlineCentre, "operator-1");
      case v1::CHANNEL_GRID_PATROL:
        return identity_->Authorization(v1::ROLE_GRID_WORKER, "330199001001001", "p0001");
      case v1::CHANNEL_OPEN311:
        return identity_->ServiceAuthorization("open311");
      default:
        return identity_->ServiceAuthorization("app");
    }
  }

  const TestIdentity* identity_;
};

class ActingInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ActingInterceptorFactory(const TestIdentity* identity) : identity_(identity) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    return new ActingInterceptor(identity_);
  }

 private:
  const TestIdentity* identity_;
};

}  // namespace

v1::Actor ActorOf(v1::Role role, const std::string& unit, const std::string& person) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_unit_code(unit);
  actor.set_person_id(person);
  return actor;
}

absl::StatusOr<std::unique_ptr<TestIdentity>> TestIdentity::Create(const std::string& dir) {
  auto person = NewIssuerKey(dir, "person");
  if (!person.ok()) return person.status();
  auto service = NewIssuerKey(dir, "service");
  if (!service.ok()) return service.status();
  return std::unique_ptr<TestIdentity>(new TestIdentity(dir, *std::move(person), *std::move(service)));
}

std::vector<std::string> TestIdentity::ServiceFlags() const {
  return {absl::StrCat("--auth_person_issuer=", kPersonIssuer),
          absl::StrCat("--auth_person_jwks=", dir_, "/person-jwks.json"),
          absl::StrCat("--auth_service_issuer=", kServiceIssuer),
          absl::StrCat("--auth_service_jwks=", dir_, "/service-jwks.json"),
          absl::StrCat("--auth_service_key=", dir_, "/service.pem"),
          absl::StrCat("--auth_service_kid=", service_->kid()),
          absl::StrCat("--auth_audience=", kAudience)};
}

absl::Status TestIdentity::SetServiceFlags() const {
  for (const std::string& flag : ServiceFlags()) {
    size_t eq = flag.find('=');
    std::string name = flag.substr(2, eq - 2);
    absl::CommandLineFlag* found = absl::FindCommandLineFlag(name);
    if (found == nullptr) return absl::NotFoundError(absl::StrCat("no flag --", name, " in this binary"));
    std::string error;
    if (!found->ParseFrom(flag.substr(eq + 1), &error)) return absl::InvalidArgumentError(error);
  }
  return absl::OkStatus();
}

std::string TestIdentity::Authorization(v1::Role role, const std::string& unit, const std::string& person) const {
  const bool service = role == v1::ROLE_SYSTEM;
  auto token = (service ? service_ : person_)
                   ->Mint({.issuer = service ? kServiceIssuer : kPersonIssuer,
                           .audience = kAudience,
                           .subject = person,
                           .role = role,
                           .unit = unit,
                           .issued_at = absl::Now(),
                           .ttl = absl::Hours(1)});
  return token.ok() ? absl::StrCat("Bearer ", *token) : "";
}

std::string TestIdentity::Authorization(const v1::Actor& actor) const {
  return Authorization(actor.role(), actor.unit_code(), actor.person_id());
}

std::string TestIdentity::ServiceAuthorization(const std::string& service) const {
  return Authorization(v1::ROLE_SYSTEM, service, service);
}

std::shared_ptr<grpc::Channel> TestIdentity::ChannelAs(const std::string& address, const v1::Actor& actor) const {
  std::string authorization = Authorization(actor);
  return server::AuthorizedChannel(address, [authorization]() -> absl::StatusOr<std::string> { return authorization; });
}

std::shared_ptr<grpc::Channel> TestIdentity::ActingChannel(const std::string& address) const {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ActingInterceptorFactory>(this));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, grpc::InsecureChannelCredentials(),
                                                                 grpc::ChannelArguments(), std::move(interceptors));
}

}  // namespace gridcase::testing
