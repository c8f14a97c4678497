#include "libs/service/service_runner.h"

#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/config/config.h"
#include "libs/log/log.h"
#include "libs/metrics/reload_report.h"
#include "libs/server/process_signals.h"
#include "libs/service/service_flags.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, health_addr, "",
          "A plaintext address serving only grpc.health.v1, for probes that cannot speak TLS (Kubernetes' gRPC "
          "probes); empty: none (health is on --grpc_addr)");

namespace gridcase::service {

int RunService(int argc, char** argv, const ServiceInfo& info, const ServiceMain& service_main) {
#ifdef NDEBUG
  // absl::Mutex's deadlock detection keeps a process-wide graph of every mutex held while another is taken, under one
  // global lock: every call's own mutex passes through it. A debugging aid; tests and debug builds keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  server::BlockProcessSignals();
  config::ParseFlags(argc, argv, info.usage.c_str());
  auto runtime = config::LoadRuntimeConfig();
  if (!runtime.ok()) {
    std::fprintf(stderr, "%s: %s\n", info.name.c_str(), std::string(runtime.status().message()).c_str());
    return kExitBadConfig;
  }
  auto security = ServerSecurity::FromFlags(info.name, *runtime);
  if (!security.ok()) {
    std::fprintf(stderr, "%s: %s\n", info.name.c_str(), std::string(security.status().message()).c_str());
    return kExitBadConfig;
  }
  log::Init(info.name, runtime->log_level);
  auto metrics = metrics::MetricsServer::Start(runtime->metrics_addr);
  if (!metrics.ok()) {
    spdlog::error("msg=startup_failed step=metrics error={}", log::Quote(metrics.status().ToString()));
    return kExitStartupFailed;
  }
  ServiceRunner runner(info.name, *std::move(runtime), *std::move(security), (*metrics)->port());
  return service_main(runner);
}

ServiceRunner::ServiceRunner(std::string name, config::RuntimeConfig runtime, ServerSecurity security,
                             int metrics_port)
    : name_(std::move(name)),
      runtime_(std::move(runtime)),
      security_(std::move(security)),
      metrics_port_(metrics_port) {}

ServiceRunner::~ServiceRunner() { StopAll(); }

int ServiceRunner::BadConfig(absl::string_view step, const absl::Status& status) {
  return Fail(kExitBadConfig, step, status);
}

int ServiceRunner::StartupFailed(absl::string_view step, const absl::Status& status) {
  return Fail(kExitStartupFailed, step, status);
}

int ServiceRunner::Fail(int exit_code, absl::string_view step, const absl::Status& status) {
  spdlog::error("msg=startup_failed step={} error={}", std::string(step), log::Quote(status.ToString()));
  StopAll();
  return exit_code;
}

absl::Status ServiceRunner::Start(absl::string_view component, const std::function<absl::Status()>& start,
                                  std::function<void()> stop) {
  if (absl::Status s = start(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(component, ": ", s.message()));
  }
  Started(component, std::move(stop));
  return absl::OkStatus();
}

void ServiceRunner::Started(absl::string_view component, std::function<void()> stop) {
  components_.push_back({std::string(component), std::move(stop)});
}

void ServiceRunner::StartThread(absl::string_view component, std::function<void()> run, std::function<void()> stop) {
  auto thread = std::make_shared<std::thread>(std::move(run));
  Started(component, [thread, stop = std::move(stop)] {
    stop();
    thread->join();
  });
}

void ServiceRunner::OnDrain(std::function<void()> on_drain) { drain_hooks_.push_back(std::move(on_drain)); }

void ServiceRunner::ReloadRegistry(std::function<absl::Status(const std::string& path)> reload) {
  registry_reloader_ = std::make_unique<config::FileReloader>(config::FileReloader::Options{
      .path = RegistryPath(),
      .reload = std::move(reload),
      .poll_interval = RegistryPoll(),
      .on_result = [](const absl::Status& status) { metrics::ReportReload("registry", status); },
  });
  Started("registry_reload", [this] { registry_reloader_.reset(); });
}

int ServiceRunner::Serve(const std::vector<server::NamedService>& services,
                         const std::vector<std::pair<std::string, std::string>>& log_fields) {
  server::GrpcServerOptions options{.address = runtime_.grpc_addr,
                                    .drain_timeout = runtime_.drain_timeout,
                                    .reflection = GrpcReflection()};
  security_.ApplyTo(options);
  auto grpc_server = server::GrpcServer::Start(options, services);
  if (!grpc_server.ok()) return StartupFailed("grpc", grpc_server.status());
  std::shared_ptr<server::GrpcServer> serving = *std::move(grpc_server);
  Started("grpc", [serving] { serving->Shutdown(); });

  int health_port = 0;
  // Started after the gRPC server, so stopped before it: probes see NOT_SERVING as soon as the drain begins.
  if (const std::string health_addr = absl::GetFlag(FLAGS_health_addr); !health_addr.empty()) {
    auto health = server::GrpcServer::Start(
        {.address = health_addr, .drain_timeout = absl::ZeroDuration(), .reflection = false}, {});
    if (!health.ok()) return StartupFailed("health", health.status());
    std::shared_ptr<server::GrpcServer> probes = *std::move(health);
    Started("health", [probes] { probes->Shutdown(); });
    health_port = probes->port();
  }

  std::string fields;
  for (const auto& [key, value] : log_fields) absl::StrAppend(&fields, " ", key, "=", value);
  if (health_port > 0) absl::StrAppend(&fields, " health_port=", health_port);
  spdlog::info("msg=serving grpc_port={} metrics_port={}{}", serving->port(), metrics_port_, fields);

  int signal = server::WaitForShutdownSignal([this] {
    if (absl::Status s = security_.ReloadKeys(); !s.ok()) {
      spdlog::error("msg=key_reload_failed error={}", log::Quote(s.ToString()));  // The old keys stay in force.
    }
    if (registry_reloader_ != nullptr) registry_reloader_->ReloadNow().IgnoreError();  // Reported via on_result.
  });
  spdlog::info("msg=draining signal={}", signal);
  for (const auto& on_drain : drain_hooks_) on_drain();
  StopAll();
  spdlog::info("msg=stopped");
  return kExitStopped;
}

void ServiceRunner::StopAll() {
  while (!components_.empty()) {
    Component component = std::move(components_.back());
    components_.pop_back();
    spdlog::debug("msg=stopping component={}", component.name);
    component.stop();
  }
}

}  // namespace gridcase::service
