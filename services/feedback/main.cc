// feedback: 群众评单 (one-time rating codes, ratings carried into dispatch: close, reopen, escalate; not-rated closes),
// the 三率 and the periodic report kept from the case topics, hot-spot alerts and public disclosure.
#include <cstdio>
#include <thread>

#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/config/file_reloader.h"
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
#include "services/feedback/adapters/dispatch_commander.h"
#include "services/feedback/adapters/kafka_alert_sink.h"
#include "services/feedback/adapters/redis_feedback_store.h"
#include "services/feedback/case_event_handler.h"
#include "services/feedback/core/rating_code.h"
#include "services/feedback/feedback_config.h"
#include "services/feedback/feedback_grpc.h"
#include "services/feedback/feedback_http.h"
#include "services/feedback/settle_loop.h"
#include "spdlog/spdlog.h"

namespace gridcase::feedback {
namespace {

int Fail(const char* step, const absl::Status& status) {
  spdlog::error("msg=startup_failed step={} error={}", step, log::Quote(status.ToString()));
  return 1;
}

int Run() {
  auto config = LoadFeedbackConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "feedback: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  const config::RuntimeConfig& rt = config->runtime;
  log::Init("feedback", rt.log_level);
  auto registry = registry::LoadRegistry(config->registry_path);
  if (!registry.ok()) return Fail("registry", registry.status());
  RegistryUnitDirectory units(*registry);

  events::Topics topics(rt.topic_prefix);
  kafka::Replication replication{.factor = rt.replication_factor, .min_insync = rt.min_insync_replicas};
  std::vector<kafka::TopicSpec> specs = topics.Specs(rt.partitions, replication);
  specs.push_back(events::Topics::AdvisorySpec(AlertsTopic(rt.topic_prefix), rt.partitions, replication));
  if (absl::Status s = kafka::EnsureTopics(rt.kafka_brokers, specs); !s.ok()) return Fail("ensure_topics", s);
  auto producer = kafka::Producer::Create({.brokers = rt.kafka_brokers, .client_id = "gridcase-feedback"});
  if (!producer.ok()) return Fail("producer", producer.status());

  redis::RedisOptions redis_options{.host = rt.redis.host, .port = rt.redis.port};
  auto consumer_redis = redis::RedisClient::Create(redis_options);
  if (!consumer_redis.ok()) return Fail("redis", consumer_redis.status());
  auto serving_redis = redis::RedisClient::Create(redis_options);
  if (!serving_redis.ok()) return Fail("redis", serving_redis.status());
  auto loop_redis = redis::RedisClient::Create(redis_options);
  if (!loop_redis.ok()) return Fail("redis", loop_redis.status());

  auto now = [] { return absl::Now(); };
  const FeedbackPolicy& policy = config->policy;
  DispatchCommander dispatch(grpc::CreateChannel(config->dispatch_addr, grpc::InsecureChannelCredentials()),
                             config->dispatch_timeout);

  // The statistics, from every case topic: one consumer group, one thread.
  RedisFeedbackStore consumer_store(consumer_redis->get(), rt.redis_prefix);
  StatsRecorder recorder(&consumer_store, policy);
  KafkaAlertSink alert_sink(producer->get(), AlertsTopic(rt.topic_prefix));
  HotSpotWatch watch(&consumer_store, &alert_sink, policy.hot_spot, now);
  CaseEventHandler handler(&recorder, &watch, now);
  parking::RedisParkingStore parking_store(consumer_redis->get(), rt.redis_prefix);
  auto parking = parking::ParkingOptionsFromFlags(&parking_store);
  if (!parking.ok()) return Fail("parking", parking.status());
  auto consumer = kafka::Consumer::Create({.brokers = rt.kafka_brokers,
                                           .group_id = rt.topic_prefix + "gridcase-feedback",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-feedback",
                                           .extra = rt.kafka_consumer_props,
                                           .parking = *parking},
                                          producer->get());
  if (!consumer.ok()) return Fail("consumer", consumer.status());
  std::thread consumer_thread([&] { (*consumer)->Run([&](const kafka::Message& m) { return handler.Handle(m); }); });
  auto stop_consumer = [&] {
    (*consumer)->Stop();
    consumer_thread.join();
  };

  // The rating desk and the settle loop (not-rated closes, stored ratings, escalation catch-up).
  RedisFeedbackStore serving_store(serving_redis->get(), rt.redis_prefix);
  RatingDesk desk(&serving_store, &dispatch, policy.rating, now, NewRatingCode);
  RedisFeedbackStore loop_store(loop_redis->get(), rt.redis_prefix);
  RatingDesk loop_desk(&loop_store, &dispatch, policy.rating, now, NewRatingCode);
  SettleLoop settle(&loop_store, &loop_desk, {.poll = config->settle_poll}, now);
  settle.Start();

  ReportBuilder reports(&serving_store, &units, policy, now);
  PublicCases public_cases(&serving_store, &units, policy.fallback);
  FeedbackFront front(&desk, &reports, &public_cases, &units);
  FeedbackGrpc service(&front);

  auto metrics = metrics::MetricsServer::Start(rt.metrics_addr);
  if (!metrics.ok()) {
    settle.Stop();
    stop_consumer();
    return Fail("metrics", metrics.status());
  }
  auto http = FeedbackHttp::Start({.address = config->http_addr}, &front);
  if (!http.ok()) {
    settle.Stop();
    stop_consumer();
    return Fail("http", http.status());
  }
  auto server = server::GrpcServer::Start({.address = rt.grpc_addr, .drain_timeout = rt.drain_timeout},
                                          {{v1::FeedbackService::service_full_name(), &service}});
  if (!server.ok()) {
    (*http)->Shutdown();
    settle.Stop();
    stop_consumer();
    return Fail("serve", server.status());
  }
  spdlog::info("msg=serving grpc_port={} http_port={} metrics_port={} dispatch={} rating_window={} max_reopens={}",
               (*server)->port(), (*http)->port(), (*metrics)->port(), config->dispatch_addr,
               absl::FormatDuration(policy.rating.window), policy.rating.max_reopens);

  // The registry (names in reports) follows its file without a restart; an invalid file keeps the old one.
  config::FileReloader reloader({
      .path = config->registry_path,
      .reload =
          [&units](const std::string& path) -> absl::Status {
            auto next = registry::LoadRegistry(path);
            if (!next.ok()) return next.status();
            units.Replace(*std::move(next));
            return absl::OkStatus();
          },
      .poll_interval = config->registry_poll,
      .on_result = [](const absl::Status& status) { metrics::ReportReload("registry", status); },
  });
  int signal = server::WaitForShutdownSignal([&reloader] { reloader.ReloadNow().IgnoreError(); });
  spdlog::info("msg=draining signal={}", signal);
  (*server)->Shutdown();
  (*http)->Shutdown();
  settle.Stop();
  stop_consumer();
  if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
    spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
  }
  spdlog::info("msg=stopped");
  return 0;
}

}  // namespace
}  // namespace gridcase::feedback

int main(int argc, char** argv) {
  gridcase::server::BlockProcessSignals();
  gridcase::config::ParseFlags(argc, argv, "feedback: 群众评单, the 三率 and the statistical report");
  return gridcase::feedback::Run();
}
