// intake: accepts residents' requests over gRPC and publishes them as cases.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "libs/config/file_reloader.h"
#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/topic_specs.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/privacy/redis_data_key_store.h"
#include "libs/registry/registry_holder.h"
#include "libs/service/service_flags.h"
#include "libs/service/service_runner.h"
#include "services/intake/adapters/dispatch_case_linker.h"
#include "services/intake/adapters/kafka_submission_ledger.h"
#include "services/intake/adapters/redis_submission_store.h"
#include "services/intake/core/classifier.h"
#include "services/intake/core/labelled_requests.h"
#include "services/intake/intake_grpc.h"
#include "libs/server/service_channel.h"
#include "services/intake/open311/api_key_store.h"
#include "services/intake/open311/intake_backend.h"
#include "services/intake/open311/open311_config.h"
#include "services/sla/core/planned_deadline.h"
#include "services/sla/sla_files.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int64_t, idempotency_ttl_seconds, 30 * 86400, "How long a repeated idempotency key returns its case");
ABSL_FLAG(absl::Duration, submit_lease, absl::Seconds(10),
          "How long one attempt owns an idempotency key; concurrent attempts wait for it, then take over");
ABSL_FLAG(int64_t, reseed_margin, 1000,
          "Case numbers skipped when a day's counter is reseeded from Kafka after Redis lost it: more than all intake "
          "processes can have reserved but not yet published at once");
ABSL_FLAG(int, submit_threads, 128,
          "Threads running submissions (each waits on Kafka and Redis; the more wait at once, the larger the group "
          "commits to Redis and the batches to Kafka)");
ABSL_FLAG(int, submit_queue, 1024,
          "Submissions that may wait for a thread; one more is refused with RESOURCE_EXHAUSTED (retry shortly)");
ABSL_FLAG(absl::Duration, submit_queue_wait, absl::Milliseconds(500),
          "While the oldest waiting submission has waited longer than this, new ones are refused with "
          "RESOURCE_EXHAUSTED (retry shortly): under overload the calls accepted are answered promptly (> 0)");
ABSL_FLAG(int, redis_connections, 2,
          "Redis connections shared by the submission threads (at least 1); calls waiting for one go together as one "
          "pipeline (group commit)");
ABSL_FLAG(bool, redis_group_commit, true,
          "Send the Redis calls that wait for a connection together, one pipeline per batch (off: one call at a time "
          "per connection)");
ABSL_FLAG(std::string, classification_rules, "services/intake/classification-rules.json",
          "Emergency and category keywords beyond the catalogue");
ABSL_FLAG(std::string, classification_examples, "services/intake/classification-examples.tsv",
          "Labelled requests the classifier's model learns from at start (empty: catalogue keywords and rules alone)");
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

int Run(service::ServiceRunner& runner) {
  const config::RuntimeConfig& config = runner.runtime();
  const kafka::Cluster kafka_cluster(config.kafka_brokers, config.kafka_client_props);
  if (absl::GetFlag(FLAGS_submit_lease) < absl::Milliseconds(100) || absl::GetFlag(FLAGS_reseed_margin) < 0) {
    return runner.BadConfig("flags", absl::InvalidArgumentError(
                                         "--submit_lease: at least 100ms; --reseed_margin: not negative"));
  }
  double similarity = absl::GetFlag(FLAGS_duplicate_similarity);
  if (similarity <= 0 || similarity > 1) {
    return runner.BadConfig("flags", absl::InvalidArgumentError("--duplicate_similarity: must be within (0, 1]"));
  }
  auto open311_config = open311::LoadOpen311Config();
  if (!open311_config.ok()) return runner.BadConfig("open311", open311_config.status());
  // The Open311 API keys follow their file without a restart from the moment they were read (every
  // --open311_keys_poll; an invalid file is reported and the keys in force stay).
  open311::ApiKeyStore open311_keys(std::move(open311_config->keys));
  std::unique_ptr<config::FileReloader> open311_keys_reloader;
  if (open311_config->enabled) {
    open311_keys_reloader =
        open311::FollowKeyFile(&open311_keys, open311_config->keys_path, open311_config->keys_poll);
    runner.Started("open311_keys_reload", [&open311_keys_reloader] { open311_keys_reloader.reset(); });
  }
  auto sla_files = sla::ResolveSlaFiles(sla::BinaryDir());
  if (!sla_files.ok()) return runner.BadConfig("sla_files", sla_files.status());

  auto registry = registry::RegistryHolder::Load(service::RegistryPath());
  auto rules = ClassificationRules::Load(absl::GetFlag(FLAGS_classification_rules));
  auto policy = sla::LoadSlaPolicy(sla_files->policy_path);
  auto calendar = sla::WorkingCalendar::FromFiles(sla_files->holiday_files);
  for (const absl::Status& s : {registry.status(), rules.status(), policy.status(), calendar.status()}) {
    if (!s.ok()) return runner.BadConfig("load_config", s);
  }
  events::Topics topics(config.topic_prefix);
  kafka::Replication replication{.factor = config.replication_factor, .min_insync = config.min_insync_replicas};
  if (absl::Status s =
          kafka::EnsureTopics(kafka_cluster, events::TopicSpecs(topics, config.partitions, replication));
      !s.ok()) {
    return runner.StartupFailed("ensure_topics", s);
  }
  auto producer = kafka::Producer::Create({.brokers = kafka_cluster, .client_id = "gridcase-intake", .topics = {topics.intake()}});
  if (!producer.ok()) return runner.StartupFailed("producer", producer.status());
  auto redis = redis::RedisClient::Create({.host = config.redis.host,
                                           .port = config.redis.port,
                                           .connections = absl::GetFlag(FLAGS_redis_connections),
                                           .group_commit = absl::GetFlag(FLAGS_redis_group_commit),
                                           .user = config.redis_user,
                                           .password = config.redis_password});
  if (!redis.ok()) return runner.StartupFailed("redis", redis.status());
  // Stopped last: what was accepted reaches Kafka before the process exits.
  runner.Started("producer", [&producer] {
    if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
      spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
    }
  });
  auto master_keys = privacy::MasterKeys::Load(service::DataMasterKeyFile());
  if (!master_keys.ok()) return runner.BadConfig("data_master_key_file", master_keys.status());
  std::string index_key = master_keys->index_key();
  privacy::RedisDataKeyStore data_keys(redis->get(), *std::move(master_keys), config.redis_prefix);
  privacy::PersonalData personal_data(&data_keys, std::move(index_key));
  events::KafkaEventPublisher publisher(producer->get(), topics);
  events::CaseViews views(redis->get(), events::Keys(config.redis_prefix));
  ViewReader reader(&views);
  KafkaSubmissionLedger ledger(kafka_cluster, topics.intake());
  RedisSubmissionStore store(redis->get(), {.prefix = config.redis_prefix,
                                            .ttl_seconds = absl::GetFlag(FLAGS_idempotency_ttl_seconds),
                                            .ledger = &ledger,
                                            .reseed_margin = absl::GetFlag(FLAGS_reseed_margin)});
  absl::Duration window = absl::GetFlag(FLAGS_duplicate_window);
  RedisRecentCases recent(redis->get(), config.redis_prefix, window);
  // Intake links duplicates as its own service identity (ROLE_SYSTEM from the services' issuer).
  auto credential = runner.security().OwnCredential();
  if (!credential.ok()) return runner.BadConfig("service_identity", credential.status());
  DispatchCaseLinker linker(server::AuthorizedChannel(absl::GetFlag(FLAGS_dispatch_addr), *credential,
                                                    runner.security().ChannelCredentials()));
  ModelUse model_use;
  if (const std::string examples_path = absl::GetFlag(FLAGS_classification_examples); !examples_path.empty()) {
    // Examples naming items the catalogue lacks are kept: such an item is never suggested while it is missing.
    auto examples = LoadLabelledRequests(examples_path, nullptr);
    if (!examples.ok()) return runner.BadConfig("classification_examples", examples.status());
    model_use.model = std::make_shared<const ClassificationModel>(
        ClassificationModel::Train(*examples, (*registry)->Get().get(), ClassificationModel::Options{}));
    spdlog::info("msg=classification_model_trained examples={} items={}", examples->size(),
                 model_use.model->Items().size());
  }
  Classifier classifier(*std::move(rules), std::move(model_use));
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
                 .personal_data = &personal_data,
                 .clock = [] { return absl::Now(); },
                 .duplicates = {.window = window, .min_similarity = similarity},
                 .submit_lease = absl::GetFlag(FLAGS_submit_lease)});
  if (absl::GetFlag(FLAGS_submit_threads) < 1 || absl::GetFlag(FLAGS_submit_queue) < 1) {
    return runner.BadConfig("flags", absl::InvalidArgumentError("--submit_threads and --submit_queue: must be >= 1"));
  }
  if (absl::GetFlag(FLAGS_submit_queue_wait) <= absl::ZeroDuration()) {
    return runner.BadConfig("flags", absl::InvalidArgumentError("--submit_queue_wait: must be > 0"));
  }
  server::BlockingPool submit_pool(absl::GetFlag(FLAGS_submit_threads),
                                   static_cast<size_t>(absl::GetFlag(FLAGS_submit_queue)),
                                   absl::GetFlag(FLAGS_submit_queue_wait));
  IntakeGrpc service(&intake, &submit_pool, &personal_data);

  // The Open311 GeoReport v2 gateway, on when --open311_addr is set.
  open311::IntakeBackend open311_backend(&intake);
  if (open311_config->enabled) {
    auto gateway = runner.StartHttp<open311::Open311Gateway>(
        "open311", [&](server::HttpServerFactory make_server) {
          open311_config->options.make_server = std::move(make_server);
          return open311::Open311Gateway::Start(std::move(open311_config->options), &open311_keys, &open311_backend,
                                                registry->get());
        });
    if (!gateway.ok()) return runner.StartupFailed("open311", gateway.status());
    spdlog::info("msg=serving_open311 port={}", (*gateway)->port());
  }
  // The registry follows its file without a restart; an invalid file is logged and the old registry keeps serving.
  runner.ReloadRegistry([holder = registry->get()](const std::string& path) { return holder->Reload(path); });
  return runner.Serve({{v1::IntakeService::service_full_name(), &service}});
}

}  // namespace
}  // namespace gridcase::intake

int main(int argc, char** argv) {
  return gridcase::service::RunService(
      argc, argv, {"intake", "intake: accepts residents' requests (gRPC) and publishes cases to Kafka"},
      &gridcase::intake::Run);
}
