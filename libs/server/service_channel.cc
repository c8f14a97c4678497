#include "libs/server/service_channel.h"

#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"
#include "libs/log/log.h"
#include "spdlog/spdlog.h"

namespace gridcase::server {
namespace {

class CredentialInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit CredentialInterceptor(const CredentialSource* credential) : credential_(credential) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      absl::StatusOr<std::string> authorization = (*credential_)();
      if (authorization.ok()) {
        methods->GetSendInitialMetadata()->insert({"authorization", *authorization});
      } else {
        spdlog::error("msg=credential_unavailable error={}", log::Quote(authorization.status().ToString()));
      }
    }
    methods->Proceed();
  }

 private:
  const CredentialSource* credential_;
};

class CredentialInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit CredentialInterceptorFactory(CredentialSource credential) : credential_(std::move(credential)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    return new CredentialInterceptor(&credential_);
  }

 private:
  const CredentialSource credential_;
};

}  // namespace

std::shared_ptr<grpc::Channel> AuthorizedChannel(const std::string& address, CredentialSource credential,
                                                 std::shared_ptr<grpc::ChannelCredentials> transport) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CredentialInterceptorFactory>(std::move(credential)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address,
                                                                 transport != nullptr
                                                                     ? std::move(transport)
                                                                     : grpc::InsecureChannelCredentials(),
                                                                 grpc::ChannelArguments(), std::move(interceptors));
}

}  // namespace gridcase::server
