#include "libs/server/grpc_server.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace gridcase::server {
namespace {

constexpr char kReflectionPlugin[] = "proto_server_reflection";

// Adds the reflection plugin to one builder, or removes it: linking gRPC's reflection library registers the plugin
// for every builder of the process, so only a per-builder option can switch it off.
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    auto is_reflection = [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
      return plugin->name() == kReflectionPlugin;
    };
    std::erase_if(*plugins, is_reflection);
    if (enabled_) plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
  }

 private:
  const bool enabled_;
};

// The builder owns its interceptor factories; this one lends a shared factory to it.
class SharedInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit SharedInterceptorFactory(std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface> factory)
      : factory_(std::move(factory)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return factory_->CreateServerInterceptor(info);
  }

 private:
  std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface> factory_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const GrpcServerOptions& options,
                                                               const std::vector<NamedService>& services) {
  grpc::EnableDefaultHealthCheckService(false);
  auto health = std::make_unique<HealthService>();
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<ReflectionOption>(options.reflection));
  int port = 0;
  builder.AddListeningPort(options.address,
                           options.credentials != nullptr ? options.credentials : grpc::InsecureServerCredentials(),
                           &port);
  if (!options.interceptors.empty()) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    for (const auto& factory : options.interceptors) {
      creators.push_back(std::make_unique<SharedInterceptorFactory>(factory));
    }
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(health.get());
  for (const NamedService& named : services) builder.RegisterService(named.service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ", options.address));
  }
  health->SetAll(grpc::health::v1::HealthCheckResponse::SERVING);
  for (const NamedService& named : services) health->Set(named.name, grpc::health::v1::HealthCheckResponse::SERVING);
  return std::unique_ptr<GrpcServer>(
      new GrpcServer(std::move(server), std::move(health), port, options.drain_timeout));
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, std::unique_ptr<HealthService> health, int port,
                       absl::Duration drain_timeout)
    : server_(std::move(server)), health_(std::move(health)), port_(port), drain_timeout_(drain_timeout) {}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  health_->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + drain_timeout_));
  server_->Wait();
}

}  // namespace gridcase::server
