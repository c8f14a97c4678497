// dispatch: the handlers' API of the 六单联办 chain, and the projections kept from the event topics.
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "libs/config/file_reloader.h"
#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/topics.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/metrics/reload_report.h"
#include "libs/parking/parking_flags.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/registry/registry_json.h"
#include "libs/server/grpc_server.h"
#include "libs/server/process_signals.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/adapters/redis_version_claims.h"
#include "services/dispatch/dispatch_grpc.h"
#include "services/dispatch/projection_consumer.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, command_threads, 16, "Threads running handlers' commands (each waits on Kafka and Redis)");
ABSL_FLAG(std::string, registry, "data/registry/sample-county.json",
          "The administrative registry (county, townships, communities, grids, departments, catalogue); reloaded on "
          "SIGHUP and when the file changes");
ABSL_FLAG(int, command_redis_connections, 8, "Redis connections shared by the command threads");
ABSL_FLAG(absl::Duration, command_idempotency_window, absl::Hours(24),
          "How long a command's request_id is remembered: a retry within it returns the original outcome");
ABSL_FLAG(absl::Duration, claim_resolve_after, absl::Seconds(3),
          "A claimed version whose event Kafka has not confirmed for this long is published again by the resolver");
ABSL_FLAG(absl::Duration, registry_poll, absl::Seconds(10),
          "How often to check the registry file for changes (0: only on SIGHUP)");

namespace gridcase::dispatch {
namespace {

// One consumer group per stage topic, so that each stage scales by its partitions.
std::string StageName(const std::string& topic, const std::string& prefix) {
  std::string stage = topic.substr(prefix.size());  // "gridcase.<stage>.v1"
  stage = stage.substr(stage.find('.') + 1);
  return stage.substr(0, stage.find('.'));
}

int Run() {
  auto config = config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "dispatch: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  log::Init("dispatch", config->log_level);
  auto registry = registry::LoadRegistry(absl::GetFlag(FLAGS_registry));
  if (!registry.ok()) {
    spdlog::error("msg=startup_failed step=registry error={}", log::Quote(registry.status().ToString()));
    return 1;
  }
  auto directory = InMemoryOrgDirectory::Create((*registry)->proto());
  if (!directory.ok()) {
    spdlog::error("msg=startup_failed step=org_directory error={}", log::Quote(directory.status().ToString()));
    return 1;
  }
  events::Topics topics(config->topic_prefix);
  events::Keys keys(config->redis_prefix);
  kafka::Replication replication{.factor = config->replication_factor, .min_insync = config->min_insync_replicas};
  if (absl::Status s = kafka::EnsureTopics(config->kafka_brokers, topics.Specs(config->partitions, replication));
      !s.ok()) {
    spdlog::error("msg=startup_failed step=ensure_topics error={}", log::Quote(s.ToString()));
    return 1;
  }
  auto producer = kafka::Producer::Create({.brokers = config->kafka_brokers, .client_id = "gridcase-dispatch"});
  if (!producer.ok()) {
    spdlog::error("msg=startup_failed step=producer error={}", log::Quote(producer.status().ToString()));
    return 1;
  }
  redis::RedisOptions redis_options{.host = config->redis.host, .port = config->redis.port};
  redis::RedisOptions command_redis_options = redis_options;
  command_redis_options.connections = absl::GetFlag(FLAGS_command_redis_connections);
  auto command_redis = redis::RedisClient::Create(command_redis_options);
  auto reader_redis = redis::RedisClient::Create(redis_options);
  if (!command_redis.ok() || !reader_redis.ok()) {
    spdlog::error("msg=startup_failed step=redis error={}", log::Quote(command_redis.status().ToString()));
    return 1;
  }

  ReplaceableOrgDirectory org_directory(*std::move(directory));
  CaseMachine machine(org_directory);
  events::KafkaEventPublisher publisher(producer->get(), topics);
  RedisProjectionStore command_store(command_redis->get(), keys);
  RedisVersionClaims claims(command_redis->get(), keys, absl::GetFlag(FLAGS_command_idempotency_window));
  CaseCommands commands(&command_store, &claims, &publisher, &machine, [] { return absl::Now(); },
                        absl::GetFlag(FLAGS_claim_resolve_after));

  // Each stage consumer has its own Redis connection, so stages never wait on each other's round trips.
  struct Stage {
    std::unique_ptr<redis::RedisClient> redis;
    std::unique_ptr<RedisProjectionStore> store;
    std::unique_ptr<parking::RedisParkingStore> parking;
    std::unique_ptr<Projector> projector;
    std::unique_ptr<CaseRecordHandler> handler;
    std::unique_ptr<kafka::Consumer> consumer;
    std::thread thread;
  };
  std::vector<Stage> stages;
  for (const std::string& topic : topics.CaseTopics()) {
    Stage stage;
    auto redis = redis::RedisClient::Create(redis_options);
    if (!redis.ok()) {
      spdlog::error("msg=startup_failed step=redis error={}", log::Quote(redis.status().ToString()));
      return 1;
    }
    stage.redis = *std::move(redis);
    stage.store = std::make_unique<RedisProjectionStore>(stage.redis.get(), keys);
    stage.parking = std::make_unique<parking::RedisParkingStore>(stage.redis.get(), config->redis_prefix);
    auto parking = parking::ParkingOptionsFromFlags(stage.parking.get());
    if (!parking.ok()) {
      spdlog::error("msg=startup_failed step=parking error={}", log::Quote(parking.status().ToString()));
      return 2;
    }
    stage.projector = std::make_unique<Projector>(stage.store.get());
    stage.handler = std::make_unique<CaseRecordHandler>(stage.projector.get(), stage.store.get(), &commands);
    std::string stage_name = StageName(topic, config->topic_prefix);
    auto consumer = kafka::Consumer::Create({.brokers = config->kafka_brokers,
                                             .group_id = config->topic_prefix + "gridcase-dispatch-" + stage_name,
                                             .topics = {topic},
                                             .client_id = "gridcase-dispatch-" + stage_name,
                                             .extra = config->kafka_consumer_props,
                                             .parking = *parking},
                                            producer->get());
    if (!consumer.ok()) {
      spdlog::error("msg=startup_failed step=consumer topic={} error={}", topic,
                    log::Quote(consumer.status().ToString()));
      return 1;
    }
    stage.consumer = *std::move(consumer);
    stages.push_back(std::move(stage));
  }
  for (Stage& stage : stages) {
    stage.thread = std::thread([&stage] {
      stage.consumer->Run([&stage](const kafka::Message& m) { return stage.handler->Handle(m); });
    });
  }
  // Claims whose publish was never confirmed (a replica died between claim and acknowledgement, or Kafka failed)
  // are published again, so their versions are neither lost nor left blocking the case.
  absl::Notification stop_resolver;
  std::thread resolver([&commands, &stop_resolver] {
    do {
      auto settled = commands.ResolvePending();
      if (!settled.ok()) {
        spdlog::warn("msg=pending_claims_unresolved error={}", log::Quote(settled.status().ToString()));
      }
    } while (!stop_resolver.WaitForNotificationWithTimeout(absl::Seconds(1)));
  });
  auto stop_stages = [&stages, &stop_resolver, &resolver] {
    stop_resolver.Notify();
    resolver.join();
    for (Stage& stage : stages) stage.consumer->Stop();
    for (Stage& stage : stages) stage.thread.join();
  };

  events::CaseViews views(reader_redis->get(), keys);
  RedisProjectionStore queue_reader(reader_redis->get(), keys);
  server::BlockingPool command_pool(absl::GetFlag(FLAGS_command_threads));
  DispatchGrpc service(&views, &queue_reader, &commands, &command_pool);
  auto metrics = metrics::MetricsServer::Start(config->metrics_addr);
  auto server = metrics.ok() ? server::GrpcServer::Start(
                                   {.address = config->grpc_addr, .drain_timeout = config->drain_timeout},
                                   {{v1::DispatchService::service_full_name(), &service}})
                             : absl::StatusOr<std::unique_ptr<server::GrpcServer>>(metrics.status());
  if (!server.ok()) {
    spdlog::error("msg=startup_failed step=serve error={}", log::Quote(server.status().ToString()));
    stop_stages();
    return 1;
  }
  spdlog::info("msg=serving grpc_port={} metrics_port={} stages={}", (*server)->port(), (*metrics)->port(),
               stages.size());

  // The registry follows its file without a restart; an invalid file is logged and the old directory keeps serving.
  config::FileReloader reloader({
      .path = absl::GetFlag(FLAGS_registry),
      .reload =
          [&org_directory](const std::string& path) -> absl::Status {
            auto next_registry = registry::LoadRegistry(path);
            if (!next_registry.ok()) return next_registry.status();
            auto next = InMemoryOrgDirectory::Create((*next_registry)->proto());
            if (!next.ok()) return next.status();
            org_directory.Replace(*std::move(next));
            return absl::OkStatus();
          },
      .poll_interval = absl::GetFlag(FLAGS_registry_poll),
      .on_result = [](const absl::Status& status) { metrics::ReportReload("registry", status); },
  });
  int signal = server::WaitForShutdownSignal([&reloader] { reloader.ReloadNow().IgnoreError(); });
  spdlog::info("msg=draining signal={}", signal);
  (*server)->Shutdown();
  stop_stages();
  if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
    spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
  }
  spdlog::info("msg=stopped");
  return 0;
}

}  // namespace
}  // namespace gridcase::dispatch

int main(int argc, char** argv) {
  gridcase::server::BlockProcessSignals();
  gridcase::config::ParseFlags(argc, argv, "dispatch: the handlers' API and the case projections");
  return gridcase::dispatch::Run();
}
