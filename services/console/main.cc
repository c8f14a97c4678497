// console: the web console of dispatch centres, handlers and supervisors. Serves the pages and calls intake,
// dispatch, sla and feedback on each person's behalf with the person's own token; decides nothing itself.
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/registry/registry_json.h"
#include "libs/server/service_channel.h"
#include "libs/service/service_flags.h"
#include "libs/service/service_runner.h"
#include "services/console/console_api.h"
#include "services/console/console_config.h"
#include "services/console/console_http.h"

namespace gridcase::console {
namespace {

int Run(service::ServiceRunner& runner) {
  auto config = LoadConsoleConfig();
  if (!config.ok()) return runner.BadConfig("flags", config.status());
  auto registry = registry::LoadRegistry(service::RegistryPath());
  if (!registry.ok()) return runner.BadConfig("registry", registry.status());

  // Persons' calls: the transport of the process (TLS when on); the token is added per call.
  std::shared_ptr<grpc::ChannelCredentials> transport = runner.security().ChannelCredentials();
  if (transport == nullptr) transport = grpc::InsecureChannelCredentials();
  Backends backends;
  backends.intake = v1::IntakeService::NewStub(grpc::CreateChannel(config->intake_addr, transport));
  backends.dispatch = v1::DispatchService::NewStub(grpc::CreateChannel(config->dispatch_addr, transport));
  backends.sla = v1::SlaService::NewStub(grpc::CreateChannel(config->sla_addr, transport));
  backends.feedback = v1::FeedbackService::NewStub(grpc::CreateChannel(config->feedback_addr, transport));
  backends.call_timeout = config->call_timeout;
  ConsoleApi api(&backends, *std::move(registry));

  auto http = runner.StartHttp<ConsoleHttp>("http", [&](server::HttpServerFactory make_server) {
    return ConsoleHttp::Start({.address = config->console_addr,
                               .web_dir = config->web_dir,
                               .make_server = std::move(make_server),
                               .authenticate = runner.security().authenticator(),
                               .access_log = runner.security().access_log()},
                              &api, &backends);
  });
  if (!http.ok()) return runner.StartupFailed("http", http.status());
  runner.OnDrain([http = *http] { http->EndStreams(); });

  runner.ReloadRegistry([&api](const std::string& path) -> absl::Status {
    auto next = registry::LoadRegistry(path);
    if (!next.ok()) return next.status();
    api.ReplaceRegistry(*std::move(next));
    return absl::OkStatus();
  });
  return runner.Serve({}, {{"console_port", absl::StrCat((*http)->port())},
                           {"web_dir", config->web_dir},
                           {"dispatch", config->dispatch_addr},
                           {"sla", config->sla_addr}});
}

}  // namespace
}  // namespace gridcase::console

int main(int argc, char** argv) {
  return gridcase::service::RunService(
      argc, argv, {"console", "console: the web console of dispatch centres, handlers and supervisors"},
      &gridcase::console::Run);
}
