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

// Replaces `path` through a rename, as an operator's tooling does, so that a reader never sees half a file.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp";
  std::ofstream(temp) << content;
  if (std::rename(temp.c_str(), path.c_str()) != 0) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status WriteJwks(const std::string& path, const std::vector<auth::KeyPair>& keys) {
  nlohmann::json jwks = {{"keys", nlohmann::json::array()}};
  for (const auth::KeyPair& key : keys) jwks["keys"].push_back(key.public_jwk);
  return WriteFileAtomically(path, jwks.dump());
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

absl::StatusOr<std::unique_ptr<TestIdentity>> TestIdentity::Create(const std::string& dir) {
  auto person = auth::GenerateKeyPair("person-1");
  if (!person.ok()) return person.status();
  if (absl::Status s = WriteJwks(absl::StrCat(dir, "/person-jwks.json"), {*person}); !s.ok()) return s;
  auto service = auth::GenerateKeyPair("service-1");
  if (!service.ok()) return service.status();
  if (absl::Status s = WriteJwks(absl::StrCat(dir, "/service-jwks.json"), {*service}); !s.ok()) return s;
  if (absl::Status s = WriteFileAtomically(absl::StrCat(dir, "/service.pem"), service->private_pem); !s.ok()) return s;
  auto service_signer = auth::TokenSigner::FromPem(service->private_pem, service->kid);
  if (!service_signer.ok()) return service_signer.status();
  return std::unique_ptr<TestIdentity>(
      new TestIdentity(dir, std::vector<auth::KeyPair>{*std::move(person)}, *std::move(service_signer)));
}

absl::Status TestIdentity::WritePersonJwks() const {
  return WriteJwks(absl::StrCat(dir_, "/person-jwks.json"), person_keys_);
}

absl::StatusOr<std::string> TestIdentity::AddPersonKey() {
  absl::MutexLock lock(&mu_);
  auto key = auth::GenerateKeyPair(absl::StrCat("person-", person_keys_.size() + 1));
  if (!key.ok()) return key.status();
  person_keys_.push_back(*std::move(key));
  UseNewestPersonKeyLocked();
  if (absl::Status s = WritePersonJwks(); !s.ok()) return s;
  return person_keys_.back().kid;
}

absl::Status TestIdentity::RetirePersonKey(const std::string& kid) {
  absl::MutexLock lock(&mu_);
  std::erase_if(person_keys_, [&](const auth::KeyPair& key) { return key.kid == kid; });
  if (person_keys_.empty()) return absl::FailedPreconditionError("cannot retire the last key");
  UseNewestPersonKeyLocked();
  return WritePersonJwks();
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

void TestIdentity::UseNewestPersonKeyLocked() {
  ++key_generation_;
  minted_.clear();
  auto signer = auth::TokenSigner::FromPem(person_keys_.back().private_pem, person_keys_.back().kid);
  person_signer_ = signer.ok() ? std::shared_ptr<auth::TokenSigner>(*std::move(signer)) : nullptr;
}

std::string TestIdentity::Authorization(v1::Role role, const std::string& unit, const std::string& person) const {
  const bool service = role == v1::ROLE_SYSTEM;
  const std::string issuer = service ? kServiceIssuer : kPersonIssuer;
  const std::string key = absl::StrCat(issuer, "\n", v1::Role_Name(role), "\n", unit, "\n", person);
  const absl::Time now = absl::Now();
  std::shared_ptr<auth::TokenSigner> person_signer;
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = minted_.find(key);
    if (it != minted_.end() && now - it->second.issued_at < kTokenReuse) return it->second.authorization;
    if (!service && person_signer_ == nullptr) return "";
    person_signer = person_signer_;
    generation = key_generation_;
  }
  auto token = (service ? service_.get() : person_signer.get())
                   ->Mint({.issuer = issuer,
                           .audience = kAudience,
                           .subject = person,
                           .role = role,
                           .unit = unit,
                           .issued_at = now,
                           .ttl = absl::Hours(1)});
  if (!token.ok()) return "";
  std::string authorization = absl::StrCat("Bearer ", *token);
  absl::MutexLock lock(&mu_);
  if (generation == key_generation_) minted_[key] = MintedToken{authorization, now};  // Not if a key rotated since.
  return authorization;
}

std::string TestIdentity::AuthorizationFor(const auth::TokenSigner::Claims& claims) const {
  std::shared_ptr<auth::TokenSigner> person_signer;
  if (claims.issuer != kServiceIssuer) {
    absl::MutexLock lock(&mu_);
    if (person_signer_ == nullptr) return "";
    person_signer = person_signer_;
  }
  auto token = (person_signer != nullptr ? person_signer.get() : service_.get())->Mint(claims);
  return token.ok() ? absl::StrCat("Bearer ", *token) : "";
}

std::string TestIdentity::Authorization(const v1::Actor& actor) const {
  return Authorization(actor.role(), actor.unit_code(), actor.person_id());
}

std::string TestIdentity::ServiceAuthorization(const std::string& service) const {
  return Authorization(v1::ROLE_SYSTEM, service, service);
}

void TestIdentity::SetTransport(Transport transport) {
  absl::MutexLock lock(&mu_);
  transport_ = std::move(transport);
}

std::shared_ptr<grpc::ChannelCredentials> TestIdentity::TransportFor(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  return transport_ ? transport_(service) : grpc::InsecureChannelCredentials();
}

std::shared_ptr<grpc::Channel> TestIdentity::ChannelAs(const std::string& address, const v1::Actor& actor) const {
  std::string authorization = Authorization(actor);
  return server::AuthorizedChannel(
      address, [authorization]() -> absl::StatusOr<std::string> { return authorization; },
      TransportFor(actor.role() == v1::ROLE_SYSTEM ? actor.person_id() : ""));
}

std::shared_ptr<grpc::Channel> TestIdentity::ActingChannel(const std::string& address) const {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ActingInterceptorFactory>(this));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, TransportFor(kHarnessService),
                                                                 grpc::ChannelArguments(), std::move(interceptors));
}

}  // namespace gridcase::testing
