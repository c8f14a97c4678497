#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/config/file_reloader.h"
#include "libs/config/runtime_config.h"
#include "libs/metrics/metrics.h"
#include "libs/server/grpc_server.h"
#include "libs/server/http_server_factory.h"
#include "libs/service/server_security.h"

namespace gridcase::service {

// Exit codes of every service process.
//   0  stopped on SIGTERM or SIGINT after draining;
//   1  could not start for a reason a restart may cure: Kafka or Redis unreachable, a port taken;
//   2  misconfigured, a restart will not help: a flag or GRIDCASE_* environment value is malformed or invalid, or a
//      file one names (registry, policy, keys) is missing or invalid.
inline constexpr int kExitStopped = 0;
inline constexpr int kExitStartupFailed = 1;
inline constexpr int kExitBadConfig = 2;

class ServiceRunner;

// A service's start-up: builds its parts (on its own stack, so that they outlive serving), registers what runs with
// `runner`, and returns runner.Serve(…), or runner.BadConfig(…) / runner.StartupFailed(…) when it cannot start.
using ServiceMain = std::function<int(ServiceRunner& runner)>;

struct ServiceInfo {
  std::string name;   // "intake": the log's service field.
  std::string usage;  // One line for --help.
};

// Starts a service process the one way every gridcase service starts; call it as main's only statement:
//
//   int main(int argc, char** argv) { return service::RunService(argc, argv, {"intake", "…"}, &intake::Run); }
//
// In order: blocks SIGTERM, SIGINT and SIGHUP for every thread; parses the flags (config::ParseFlags; a malformed
// one exits 2 with usage); reads the runtime flags (config::LoadRuntimeConfig; invalid: exit 2, message on stderr);
// sets up logging (log::Init); builds the servers' security from flags (invalid: exit 2); starts the metrics server
// (exit 1 if it cannot); then runs `service_main` and returns its exit code.
int RunService(int argc, char** argv, const ServiceInfo& info, const ServiceMain& service_main);

// Owns what every service process has: the runtime configuration, the metrics server, the gRPC server (health,
// reflection unless --grpc_reflection=false), the HTTP front doors a service adds, the registry reload (SIGHUP and
// polling --registry_poll), the reload of the token verification keys (SIGHUP and polling --auth_reload_poll), the
// security of every server (ServerSecurity), the signal wait, the drain and the stop.
//
// Components — consumers, loops, threads, front doors — are registered as they start; at shutdown they stop in the
// reverse order of starting. Serve() starts the gRPC server last, so that health SERVING means every component is
// up, and stops it first. Not thread-safe: use from the thread running the ServiceMain.
class ServiceRunner {
 public:
  ServiceRunner(std::string name, config::RuntimeConfig runtime, ServerSecurity security, int metrics_port);
  // Stops whatever is still running, in reverse order.
  ~ServiceRunner();

  ServiceRunner(const ServiceRunner&) = delete;
  ServiceRunner& operator=(const ServiceRunner&) = delete;

  const std::string& name() const { return name_; }
  const config::RuntimeConfig& runtime() const { return runtime_; }
  // The process's identity and access setup: the authenticator and access log for HTTP front doors that take
  // tokens, the service's own credential for its calls to other services.
  const ServerSecurity& security() const { return security_; }

  // Logs `msg=startup_failed step=<step> error=…`, stops every component started so far (reverse order) and returns
  // the exit code to return from the ServiceMain: kExitBadConfig for a wrong flag or a bad file it names,
  // kExitStartupFailed for anything else.
  int BadConfig(absl::string_view step, const absl::Status& status);
  int StartupFailed(absl::string_view step, const absl::Status& status);

  // Runs `start`; when it succeeds, `stop` runs at shutdown (reverse order). When it fails nothing is registered and
  // the error is returned with the component's name.
  absl::Status Start(absl::string_view component, const std::function<absl::Status()>& start,
                     std::function<void()> stop);
  // A component that is already running (a producer whose stop flushes it): only `stop` is registered.
  void Started(absl::string_view component, std::function<void()> stop);
  // Runs `run` on a thread of its own; at shutdown `stop` is called (it must make `run` return) and the thread joined.
  void StartThread(absl::string_view component, std::function<void()> run, std::function<void()> stop);

  // Starts an HTTP front door through `start`, which must make its httplib server with the factory it is given (the
  // process's security); the front door is shut down at shutdown (reverse order). FrontDoor has Shutdown().
  template <typename FrontDoor>
  absl::StatusOr<FrontDoor*> StartHttp(
      absl::string_view component,
      const std::function<absl::StatusOr<std::unique_ptr<FrontDoor>>(server::HttpServerFactory)>& start);

  // Runs when a shutdown signal arrives, before any component stops, in order of registration: end long-lived
  // streams here so that the gRPC drain does not wait for them.
  void OnDrain(std::function<void()> on_drain);

  // Keeps the registry current without a restart: `reload` gets the path of --registry on SIGHUP and, every
  // --registry_poll, when the file changed; it must validate the whole file before it replaces anything. Each attempt
  // is reported through metrics::ReportReload("registry", …). Without a registry reload, SIGHUP is logged and ignored.
  void ReloadRegistry(std::function<absl::Status(const std::string& path)> reload);

  // Starts the gRPC server with `services` (health SERVING for each) and, with --health_addr, a plaintext server of
  // grpc.health.v1 alone there (for probes that cannot speak TLS; it says NOT_SERVING first at shutdown), logs
  // `msg=serving grpc_port=… metrics_port=…` with `log_fields` (and `health_port=`) after them, and waits for
  // SIGTERM or SIGINT. Then logs `msg=draining signal=…`, runs the drain
  // hooks, stops every component in reverse order of starting (the gRPC server first: NOT_SERVING, then in-flight
  // calls drain until --drain_timeout), logs `msg=stopped` and returns kExitStopped. kExitStartupFailed when the gRPC
  // server cannot start.
  int Serve(const std::vector<server::NamedService>& services,
            const std::vector<std::pair<std::string, std::string>>& log_fields = {});

 private:
  struct Component {
    std::string name;
    std::function<void()> stop;
  };
  int Fail(int exit_code, absl::string_view step, const absl::Status& status);
  void StopAll();

  const std::string name_;
  const config::RuntimeConfig runtime_;
  const ServerSecurity security_;
  const int metrics_port_;
  std::vector<Component> components_;  // In order of starting.
  std::vector<std::function<void()>> drain_hooks_;
  std::unique_ptr<config::FileReloader> registry_reloader_;
};

template <typename FrontDoor>
absl::StatusOr<FrontDoor*> ServiceRunner::StartHttp(
    absl::string_view component,
    const std::function<absl::StatusOr<std::unique_ptr<FrontDoor>>(server::HttpServerFactory)>& start) {
  absl::StatusOr<std::unique_ptr<FrontDoor>> front_door = start(security_.HttpServers());
  if (!front_door.ok()) return front_door.status();
  std::shared_ptr<FrontDoor> owned = *std::move(front_door);
  FrontDoor* raw = owned.get();
  Started(component, [owned] { owned->Shutdown(); });
  return raw;
}

}  // namespace gridcase::service
