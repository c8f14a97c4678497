// dispatch: keeps the case projections from the event topics and serves handlers of the 六单联办 chain.
#include <cstdio>
#include <thread>

#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/topics.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/server/grpc_server.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/dispatch_grpc.h"
#include "services/dispatch/projection_consumer.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {
namespace {

int Run() {
  auto config = config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "dispatch: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  log::Init("dispatch", config->log_level);
  events::Topics topics(config->topic_prefix);
  events::Keys keys(config->redis_prefix);
  if (absl::Status s = kafka::EnsureTopics(config->kafka_brokers, topics.Specs(config->partitions)); !s.ok()) {
    spdlog::error("msg=startup_failed step=ensure_topics error={}", log::Quote(s.ToString()));
    return 1;
  }
  auto producer = kafka::Producer::Create({.brokers = config->kafka_brokers, .client_id = "gridcase-dispatch"});
  auto redis = redis::RedisClient::Create({.host = config->redis.host, .port = config->redis.port});
  auto reader_redis = redis::RedisClient::Create({.host = config->redis.host, .port = config->redis.port});
  if (!producer.ok() || !redis.ok() || !reader_redis.ok()) {
    spdlog::error("msg=startup_failed kafka={} redis={}", log::Quote(producer.status().ToString()),
                  log::Quote(redis.status().ToString()));
    return 1;
  }
  RedisProjectionStore store(redis->get(), keys);
  Projector projector(&store);
  auto consumer = kafka::Consumer::Create({.brokers = config->kafka_brokers,
                                           .group_id = config->topic_prefix + "gridcase-dispatch-projector",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-dispatch"},
                                          producer->get());
  if (!consumer.ok()) {
    spdlog::error("msg=startup_failed step=consumer error={}", log::Quote(consumer.status().ToString()));
    return 1;
  }
  std::thread projecting([&] {
    (*consumer)->Run([&](const kafka::Message& m) { return HandleCaseRecord(projector, m); });
  });

  events::CaseViews views(reader_redis->get(), keys);
  DispatchGrpc service(&views);
  auto metrics = metrics::MetricsServer::Start(config->metrics_addr);
  auto server = metrics.ok() ? server::GrpcServer::Start(
                                   {.address = config->grpc_addr, .drain_timeout = config->drain_timeout},
                                   {{v1::DispatchService::service_full_name(), &service}})
                             : absl::StatusOr<std::unique_ptr<server::GrpcServer>>(metrics.status());
  if (!server.ok()) {
    spdlog::error("msg=startup_failed step=serve error={}", log::Quote(server.status().ToString()));
    (*consumer)->Stop();
    projecting.join();
    return 1;
  }
  spdlog::info("msg=serving grpc_port={} metrics_port={}", (*server)->port(), (*metrics)->port());

  int signal = server::WaitForShutdownSignal();
  spdlog::info("msg=draining signal={}", signal);
  (*server)->Shutdown();
  (*consumer)->Stop();
  projecting.join();
  spdlog::info("msg=stopped");
  return 0;
}

}  // namespace
}  // namespace gridcase::dispatch

int main(int argc, char** argv) {
  gridcase::server::BlockShutdownSignals();
  gridcase::config::ParseFlags(argc, argv, "dispatch: case projections and the handlers' API");
  return gridcase::dispatch::Run();
}
