// intake: accepts residents' requests over gRPC and publishes them as cases.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "libs/config/runtime_config.h"
#include "libs/events/case_views.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/server/grpc_server.h"
#include "services/intake/adapters/redis_submission_store.h"
#include "services/intake/intake_grpc.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int64_t, idempotency_ttl_seconds, 30 * 86400, "How long a repeated idempotency key returns its case");

namespace gridcase::intake {
namespace {

class ViewReader : public CaseReader {
 public:
  explicit ViewReader(events::CaseViews* views) : views_(views) {}
  absl::StatusOr<std::optional<v1::Case>> GetCase(const std::string& case_id) override { return views_->Get(case_id); }

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
  events::Topics topics(config->topic_prefix);
  if (absl::Status s = kafka::EnsureTopics(config->kafka_brokers, topics.Specs(config->partitions)); !s.ok()) {
    spdlog::error("msg=startup_failed step=ensure_topics error={}", log::Quote(s.ToString()));
    return 1;
  }
  auto producer = kafka::Producer::Create({.brokers = config->kafka_brokers, .client_id = "gridcase-intake"});
  auto redis = redis::RedisClient::Create({.host = config->redis.host, .port = config->redis.port});
  if (!producer.ok() || !redis.ok()) {
    spdlog::error("msg=startup_failed kafka={} redis={}", log::Quote(producer.status().ToString()),
                  log::Quote(redis.status().ToString()));
    return 1;
  }
  events::KafkaEventPublisher publisher(producer->get(), topics);
  events::CaseViews views(redis->get(), events::Keys(config->redis_prefix));
  ViewReader reader(&views);
  RedisSubmissionStore store(redis->get(), config->redis_prefix, absl::GetFlag(FLAGS_idempotency_ttl_seconds));
  Intake intake(&store, &reader, &publisher, [] { return absl::Now(); });
  IntakeGrpc service(&intake);

  auto metrics = metrics::MetricsServer::Start(config->metrics_addr);
  if (!metrics.ok()) {
    spdlog::error("msg=startup_failed step=metrics error={}", log::Quote(metrics.status().ToString()));
    return 1;
  }
  auto server = server::GrpcServer::Start({.address = config->grpc_addr, .drain_timeout = config->drain_timeout},
                                          {{v1::IntakeService::service_full_name(), &service}});
  if (!server.ok()) {
    spdlog::error("msg=startup_failed step=grpc error={}", log::Quote(server.status().ToString()));
    return 1;
  }
  spdlog::info("msg=serving grpc_port={} metrics_port={}", (*server)->port(), (*metrics)->port());

  int signal = server::WaitForShutdownSignal();
  spdlog::info("msg=draining signal={}", signal);
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
  gridcase::server::BlockShutdownSignals();
  gridcase::config::ParseFlags(argc, argv, "intake: accepts residents' requests (gRPC) and publishes cases to Kafka");
  return gridcase::intake::Run();
}
