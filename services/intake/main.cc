// intake: accepts residents' requests over gRPC and publishes them as cases.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "libs/config/file_reloader.h"
#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/metrics/reload_report.h"
#include "libs/server/grpc_server.h"
#include "libs/server/process_signals.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "libs/registry/registry_holder.h"
#include "services/intake/adapters/dispatch_case_linker.h"
#include "services/intake/adapters/kafka_submission_ledger.h"
#include "services/intake/adapters/redis_submission_store.h"
#include "services/sla/core/planned_deadline.h"
#include "services/intake/intake_grpc.h"
#include "services/intake/open311/intake_backend.h"
#include "services/intake/open311/open311_config.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int64_t, idempotency_ttl_seconds, 30 * 86400, "How long a repeated idempotency key returns its case");
ABSL_FLAG(absl::Duration, submit_lease, absl::Seconds(10),
          "How long one attempt owns an idempotency key; concurrent attempts wait for it, then take over");
ABSL_FLAG(int64_t, reseed_margin, 1000,
          "Case numbers skipped when a day's counter is reseeded from Kafka after Redis lost it: more than all intake "
          "processes can have reserved but not yet published at once");
ABSL_FLAG(int, submit_threads, 16, "Threads running submissions (each waits on Kafka and Redis)");
ABSL_FLAG(int, redis_connections, 8, "Redis connections shared by the submission threads (at least 1)");
ABSL_FLAG(std::string, registry, "data/registry/sample-county.json",
          "The administrative registry (JSON); reloaded on SIGHUP and when the file changes");
ABSL_FLAG(absl::Duration, registry_poll, absl::Seconds(10),
          "How often to check the registry file for changes (0: only on SIGHUP)");
ABSL_FLAG(std::string, classification_rules, "services/intake/classification-rules.json",
          "Emergency and category keywords beyond the catalogue");
ABSL_FLAG(std::string, sla_policy, "services/sla/sla-policy.json", "SLA policy, for the expected completion time");
ABSL_FLAG(std::string, holiday_files, "services/sla/data/cn-holidays-2026.tsv",
          "Comma-separated holiday arrangement files (working calendar)");
ABSL_FLAG(std::string, dispatch_addr, "127.0.0.1:8081", "dispatch's gRPC address, for linking duplicates");
ABSL_FLAG(absl::Duration, duplicate_window, absl::Hours(72), "How far back a similar request counts as a duplicate");
ABSL_FLAG(double, duplicate_similarity, 0.5, "Minimum text similarity (0..1) of a duplicate");

namespace gridcase::intake {
namespace {

class ViewReader : public CaseReader {
 public:
  explicit ViewReader(events::CaseViews* views) : views_(views) {}
  absl::StatusOr<std::optional<v1::Case>> GetCase(const std::string& case_id) override { return views_->Get(case_id); }
  absl::StatusOr<std::vector<v1::Case>> ListCreated(absl::Time from, absl::Time to, int64_t offset,
                                                    int64_t count) override {
    return views_->ListCreated(from, to, offset, count);
  }
  absl::StatusOr<std::vector<v1::Case>> GetMany(const std::vector<std::string>& case_ids) override {
    return views_->GetMany(case_ids);
  }

 private:
  events::CaseViews* views_;
};

int Run() {
  auto config = config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "intake: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  log::Init("intake", config->log_level);
  auto registry = registry::RegistryHolder::Load(absl::GetFlag(FLAGS_registry));
  auto rules = ClassificationRules::Load(absl::GetFlag(FLAGS_classification_rules));
  auto policy = sla::LoadSlaPolicy(absl::GetFlag(FLAGS_sla_policy));
  std::vector<std::string> holiday_files = absl::StrSplit(absl::GetFlag(FLAGS_holiday_files), ',', absl::SkipEmpty());
  auto calendar = sla::WorkingCalendar::FromFiles(holiday_files);
  for (const absl::Status& s : {registry.status(), rules.status(), policy.status(), calendar.status()}) {
    if (!s.ok()) {
      spdlog::error("msg=startup_failed step=load_config error={}", log::Quote(s.ToString()));
      return 1;
    }
  }
  if (absl::GetFlag(FLAGS_submit_lease) < absl::Milliseconds(100) || absl::GetFlag(FLAGS_reseed_margin) < 0) {
    spdlog::error("msg=startup_failed error={}",
                  log::Quote("--submit_lease: at least 100ms; --reseed_margin: not negative"));
    return 1;
  }
  double similarity = absl::GetFlag(FLAGS_duplicate_similarity);
  if (similarity <= 0 || similarity > 1) {
    spdlog::error("msg=startup_failed error={}", log::Quote("--duplicate_similarity: must be within (0, 1]"));
    return 1;
  }
  events::Topics topics(config->topic_prefix);
  kafka::Replication replication{.factor = config->replication_factor, .min_insync = config->min_insync_replicas};
  if (absl::Status s = kafka::EnsureTopics(config->kafka_brokers, topics.Specs(config->partitions, replication));
      !s.ok()) {
    spdlog::error("msg=startup_failed step=ensure_topics error={}", log::Quote(s.ToString()));
    return 1;
  }
  auto producer = kafka::Producer::Create({.brokers = config->kafka_brokers, .client_id = "gridcase-intake"});
  auto redis = redis::RedisClient::Create({.host = config->redis.host,
                                           .port = config->redis.port,
                                           .connections = absl::GetFlag(FLAGS_redis_connections)});
  if (!producer.ok() || !redis.ok()) {
    spdlog::error("msg=startup_failed kafka={} redis={}", log::Quote(producer.status().ToString()),
                  log::Quote(redis.status().ToString()));
    return 1;
  }
  events::KafkaEventPublisher publisher(producer->get(), topics);
  events::CaseViews views(redis->get(), events::Keys(config->redis_prefix));
  ViewReader reader(&views);
  KafkaSubmissionLedger ledger(config->kafka_brokers, topics.intake());
  RedisSubmissionStore store(redis->get(), {.prefix = config->redis_prefix,
                                            .ttl_seconds = absl::GetFlag(FLAGS_idempotency_ttl_seconds),
                                            .ledger = &ledger,
                                            .reseed_margin = absl::GetFlag(FLAGS_reseed_margin)});
  absl::Duration window = absl::GetFlag(FLAGS_duplicate_window);
  RedisRecentCases recent(redis->get(), config->redis_prefix, window);
  DispatchCaseLinker linker(
      grpc::CreateChannel(absl::GetFlag(FLAGS_dispatch_addr), grpc::InsecureChannelCredentials()));
  Classifier classifier(*std::move(rules));
  const sla::SlaPolicy& sla_policy = *policy;
  const sla::WorkingCalendar& working_calendar = *calendar;
  Intake intake({.store = &store,
                 .reader = &reader,
                 .publisher = &publisher,
                 .registry = registry->get(),
                 .classifier = &classifier,
                 .recent = &recent,
                 .linker = &linker,
                 .planner = [&](v1::Category category, bool emergency, absl::Time at) -> std::optional<absl::Time> {
                   auto due = sla::PlannedCompletionDue(sla_policy, working_calendar, category, emergency, at);
                   if (!due.ok()) return std::nullopt;
                   return due->due;
                 },
                 .clock = [] { return absl::Now(); },
                 .duplicates = {.window = window, .min_similarity = similarity},
                 .submit_lease = absl::GetFlag(FLAGS_submit_lease)});
  server::BlockingPool submit_pool(absl::GetFlag(FLAGS_submit_threads));
  IntakeGrpc service(&intake, &submit_pool);

  auto metrics = metrics::MetricsServer::Start(config->metrics_addr);
  if (!metrics.ok()) {
    spdlog::error("msg=startup_failed step=metrics error={}", log::Quote(metrics.status().ToString()));
    return 1;
  }
  // The Open311 GeoReport v2 gateway, on when --open311_addr is set. Started before the gRPC server, so that
  // SERVING means both are up; stopped first on shutdown.
  open311::IntakeBackend open311_backend(&intake);
  auto open311_gateway = open311::StartOpen311FromFlags(&open311_backend, registry->get());
  if (!open311_gateway.ok()) {
    spdlog::error("msg=startup_failed step=open311 error={}", log::Quote(open311_gateway.status().ToString()));
    return 1;
  }
  if (*open311_gateway != nullptr) spdlog::info("msg=serving_open311 port={}", (*open311_gateway)->port());
  auto server = server::GrpcServer::Start({.address = config->grpc_addr, .drain_timeout = config->drain_timeout},
                                          {{v1::IntakeService::service_full_name(), &service}});
  if (!server.ok()) {
    spdlog::error("msg=startup_failed step=grpc error={}", log::Quote(server.status().ToString()));
    return 1;
  }
  spdlog::info("msg=serving grpc_port={} metrics_port={}", (*server)->port(), (*metrics)->port());

  // The registry follows its file without a restart; an invalid file is logged and the old registry keeps serving.
  config::FileReloader reloader({
      .path = absl::GetFlag(FLAGS_registry),
      .reload = [holder = registry->get()](const std::string& path) { return holder->Reload(path); },
      .poll_interval = absl::GetFlag(FLAGS_registry_poll),
      .on_result = [](const absl::Status& status) { metrics::ReportReload("registry", status); },
  });
  int signal = server::WaitForShutdownSignal([&reloader] { reloader.ReloadNow().IgnoreError(); });
  spdlog::info("msg=draining signal={}", signal);
  if (*open311_gateway != nullptr) (*open311_gateway)->Shutdown();  // Open311 first: stop taking requests.
  (*server)->Shutdown();
  if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
    spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
  }
  spdlog::info("msg=stopped");
  return 0;
}

}  // namespace
}  // namespace gridcase::intake

int main(int argc, char** argv) {
  gridcase::server::BlockProcessSignals();
  gridcase::config::ParseFlags(argc, argv, "intake: accepts residents' requests (gRPC) and publishes cases to Kafka");
  return gridcase::intake::Run();
}
