// dispatch: the handlers' API of the 六单联办 chain, and the projections kept from the event topics.
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/parking/parking_flags.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/registry/registry_json.h"
#include "libs/service/service_flags.h"
#include "libs/service/service_runner.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/adapters/redis_version_claims.h"
#include "libs/privacy/redis_data_key_store.h"
#include "services/dispatch/dispatch_grpc.h"
#include "services/dispatch/personal_data_retention.h"
#include "services/dispatch/projection_consumer.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, command_threads, 16, "Threads running handlers' commands (each waits on Kafka and Redis)");
ABSL_FLAG(int, command_queue, 1024,
          "Commands that may wait for a thread; one more is refused with RESOURCE_EXHAUSTED (retry shortly)");
ABSL_FLAG(absl::Duration, command_queue_wait, absl::Seconds(1),
          "While the oldest waiting command has waited longer than this, new ones are refused with "
          "RESOURCE_EXHAUSTED (retry shortly): under overload the commands accepted are answered promptly (> 0)");
ABSL_FLAG(int, command_redis_connections, 8, "Redis connections shared by the command threads");
ABSL_FLAG(absl::Duration, command_idempotency_window, absl::Hours(24),
          "How long a command's request_id is remembered: a retry within it returns the original outcome");
ABSL_FLAG(absl::Duration, personal_data_retention, absl::Hours(24 * 365 * 3),
          "Residents' personal data is erased this long after their case ended (closed, invalid, duplicate); "
          "0 turns the retention job off");
ABSL_FLAG(absl::Duration, personal_data_retention_poll, absl::Hours(1),
          "How often the retention job looks for cases whose personal data is due for erasure");
ABSL_FLAG(absl::Duration, claim_resolve_after, absl::Seconds(3),
          "A claimed version whose event Kafka has not confirmed for this long is published again by the resolver");

namespace gridcase::dispatch {
namespace {

// One consumer group per stage topic, so that each stage scales by its partitions.
std::string StageName(const std::string& topic, const std::string& prefix) {
  std::string stage = topic.substr(prefix.size());  // "gridcase.<stage>.v1"
  stage = stage.substr(stage.find('.') + 1);
  return stage.substr(0, stage.find('.'));
}

int Run(service::ServiceRunner& runner) {
  const config::RuntimeConfig& config = runner.runtime();
  const kafka::Cluster kafka_cluster(config.kafka_brokers, config.kafka_client_props);
  auto registry = registry::LoadRegistry(service::RegistryPath());
  if (!registry.ok()) return runner.BadConfig("registry", registry.status());
  auto directory = InMemoryOrgDirectory::Create((*registry)->proto());
  if (!directory.ok()) return runner.BadConfig("org_directory", directory.status());
  events::Topics topics(config.topic_prefix);
  events::Keys keys(config.redis_prefix);
  kafka::Replication replication{.factor = config.replication_factor, .min_insync = config.min_insync_replicas};
  if (absl::Status s =
          kafka::EnsureTopics(kafka_cluster, events::TopicSpecs(topics, config.partitions, replication));
      !s.ok()) {
    return runner.StartupFailed("ensure_topics", s);
  }
  auto producer = kafka::Producer::Create(
      {.brokers = kafka_cluster, .client_id = "gridcase-dispatch", .topics = topics.CaseTopics()});
  if (!producer.ok()) return runner.StartupFailed("producer", producer.status());
  // Stopped last: every event the stages and commands produced reaches Kafka before the process exits.
  runner.Started("producer", [&producer] {
    if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
      spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
    }
  });
  redis::RedisOptions redis_options{.host = config.redis.host,
                                    .port = config.redis.port,
                                    .user = config.redis_user,
                                    .password = config.redis_password};
  redis::RedisOptions command_redis_options = redis_options;
  command_redis_options.connections = absl::GetFlag(FLAGS_command_redis_connections);
  auto command_redis = redis::RedisClient::Create(command_redis_options);
  if (!command_redis.ok()) return runner.StartupFailed("redis", command_redis.status());
  auto reader_redis = redis::RedisClient::Create(redis_options);
  if (!reader_redis.ok()) return runner.StartupFailed("redis", reader_redis.status());

  ReplaceableOrgDirectory org_directory(*std::move(directory));
  CaseMachine machine(org_directory);
  events::KafkaEventPublisher publisher(producer->get(), topics);
  RedisProjectionStore command_store(command_redis->get(), keys);
  RedisVersionClaims claims(command_redis->get(), keys, absl::GetFlag(FLAGS_command_idempotency_window));
  auto master_keys = privacy::MasterKeys::Load(service::DataMasterKeyFile());
  if (!master_keys.ok()) return runner.BadConfig("data_master_key_file", master_keys.status());
  std::string index_key = master_keys->index_key();
  privacy::RedisDataKeyStore data_keys(command_redis->get(), *std::move(master_keys), config.redis_prefix);
  privacy::PersonalData personal_data(&data_keys, std::move(index_key));
  CaseCommands commands(&command_store, &claims, &publisher, &machine, [] { return absl::Now(); },
                        absl::GetFlag(FLAGS_claim_resolve_after), &personal_data);

  // Each stage consumer has Redis connections of its own, so stages never wait on each other's round trips.
  struct Stage {
    std::unique_ptr<redis::RedisClient> redis;
    std::unique_ptr<RedisProjectionStore> store;
    std::unique_ptr<parking::RedisParkingStore> parking;
    std::unique_ptr<Projector> projector;
    std::unique_ptr<CaseRecordHandler> handler;
    std::unique_ptr<kafka::Consumer> consumer;
  };
  std::vector<Stage> stages;
  for (const std::string& topic : topics.CaseTopics()) {
    Stage stage;
    auto redis = redis::RedisClient::Create(redis::ForConsumerLanes(redis_options));
    if (!redis.ok()) return runner.StartupFailed("redis", redis.status());
    stage.redis = *std::move(redis);
    stage.store = std::make_unique<RedisProjectionStore>(stage.redis.get(), keys);
    stage.parking = std::make_unique<parking::RedisParkingStore>(stage.redis.get(), config.redis_prefix);
    auto parking = parking::ParkingOptionsFromFlags(stage.parking.get());
    if (!parking.ok()) return runner.BadConfig("parking", parking.status());
    stage.projector = std::make_unique<Projector>(stage.store.get());
    stage.handler = std::make_unique<CaseRecordHandler>(stage.projector.get(), stage.store.get(), &commands);
    std::string stage_name = StageName(topic, config.topic_prefix);
    auto consumer = kafka::Consumer::Create({.brokers = kafka_cluster,
                                             .group_id = config.topic_prefix + "gridcase-dispatch-" + stage_name,
                                             .topics = {topic},
                                             .client_id = "gridcase-dispatch-" + stage_name,
                                             .extra = config.kafka_consumer_props,
                                             .parking = *parking},
                                            producer->get());
    if (!consumer.ok()) {
      return runner.StartupFailed(
          "consumer", absl::Status(consumer.status().code(), absl::StrCat("topic ", topic, ": ",
                                                                          consumer.status().message())));
    }
    stage.consumer = *std::move(consumer);
    stages.push_back(std::move(stage));
  }
  // The stages stop together: each closes its consumer (commit, leave the group) while the others do.
  std::vector<std::thread> stage_threads;
  for (Stage& stage : stages) {
    stage_threads.emplace_back([&stage, &config] {
      stage.consumer->RunByCase([&stage](const kafka::Message& m) { return stage.handler->Handle(m); },
                                config.consumer_lanes, config.consumer_batch);
    });
  }
  runner.Started("stages", [&stages, &stage_threads] {
    for (Stage& stage : stages) stage.consumer->Stop();
    for (std::thread& thread : stage_threads) thread.join();
  });
  // Claims whose publish was never confirmed (a replica died between claim and acknowledgement, or Kafka failed)
  // are published again, so their versions are neither lost nor left blocking the case.
  absl::Notification stop_resolver;
  runner.StartThread(
      "claim_resolver",
      [&commands, &stop_resolver] {
        do {
          auto settled = commands.ResolvePending();
          if (!settled.ok()) {
            spdlog::warn("msg=pending_claims_unresolved error={}", log::Quote(settled.status().ToString()));
          }
        } while (!stop_resolver.WaitForNotificationWithTimeout(absl::Seconds(1)));
      },
      [&stop_resolver] { stop_resolver.Notify(); });

  events::CaseViews views(reader_redis->get(), keys);
  // Storage limitation: personal data of cases ended longer than --personal_data_retention ago is erased.
  const absl::Duration retention = absl::GetFlag(FLAGS_personal_data_retention);
  const absl::Duration retention_poll = absl::GetFlag(FLAGS_personal_data_retention_poll);
  if (retention < absl::ZeroDuration() || retention_poll <= absl::ZeroDuration()) {
    return runner.BadConfig("flags", absl::InvalidArgumentError(
                                         "--personal_data_retention: not negative; --personal_data_retention_poll: "
                                         "positive"));
  }
  events::CaseViews retention_views(command_redis->get(), keys);
  PersonalDataRetention retention_job(
      command_redis->get(), &retention_views, &commands, runner.security().access_log(),
      {.retention = retention,
       .lease_key = config.redis_prefix + "dispatch:retention-lease",
       .lease = std::max(absl::Minutes(1), std::min(retention_poll, absl::Minutes(10))),
       .owner = absl::StrCat("dispatch-", getpid(), "-", absl::ToUnixMicros(absl::Now()))},
      [] { return absl::Now(); });
  absl::Notification stop_retention;
  if (retention > absl::ZeroDuration()) {
    runner.StartThread(
        "personal_data_retention",
        [&retention_job, &stop_retention, retention_poll] {
          do {
            auto erased = retention_job.RunOnce();
            if (!erased.ok()) {
              spdlog::warn("msg=retention_pass_failed error={}", log::Quote(erased.status().ToString()));
            } else if (*erased > 0) {
              spdlog::info("msg=retention_pass erased={}", *erased);
            }
          } while (!stop_retention.WaitForNotificationWithTimeout(retention_poll));
        },
        [&stop_retention] { stop_retention.Notify(); });
  }
  RedisProjectionStore queue_reader(reader_redis->get(), keys);
  if (absl::GetFlag(FLAGS_command_threads) < 1 || absl::GetFlag(FLAGS_command_queue) < 1) {
    return runner.BadConfig("flags", absl::InvalidArgumentError("--command_threads and --command_queue: must be >= 1"));
  }
  if (absl::GetFlag(FLAGS_command_queue_wait) <= absl::ZeroDuration()) {
    return runner.BadConfig("flags", absl::InvalidArgumentError("--command_queue_wait: must be > 0"));
  }
  server::BlockingPool command_pool(absl::GetFlag(FLAGS_command_threads),
                                   static_cast<size_t>(absl::GetFlag(FLAGS_command_queue)),
                                   absl::GetFlag(FLAGS_command_queue_wait));
  DispatchGrpc service(&views, &queue_reader, &commands, &command_pool, &personal_data, &machine);

  // The registry follows its file without a restart; an invalid file is logged and the old directory keeps serving.
  runner.ReloadRegistry([&org_directory](const std::string& path) -> absl::Status {
    auto next_registry = registry::LoadRegistry(path);
    if (!next_registry.ok()) return next_registry.status();
    auto next = InMemoryOrgDirectory::Create((*next_registry)->proto());
    if (!next.ok()) return next.status();
    org_directory.Replace(*std::move(next));
    return absl::OkStatus();
  });
  return runner.Serve({{v1::DispatchService::service_full_name(), &service}},
                      {{"stages", absl::StrCat(stages.size())}});
}

}  // namespace
}  // namespace gridcase::dispatch

int main(int argc, char** argv) {
  return gridcase::service::RunService(argc, argv,
                                       {"dispatch", "dispatch: the handlers' API and the case projections"},
                                       &gridcase::dispatch::Run);
}
