// feedback: 群众评单 (one-time rating codes, ratings carried into dispatch: close, reopen, escalate; not-rated closes),
// the 三率 and the periodic report kept from the case topics, hot-spot alerts and public disclosure.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/parking/parking_flags.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/registry/registry_json.h"
#include "libs/server/service_channel.h"
#include "libs/service/service_flags.h"
#include "libs/service/service_runner.h"
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

int Run(service::ServiceRunner& runner) {
  auto config = LoadFeedbackConfig();
  if (!config.ok()) return runner.BadConfig("flags", config.status());
  const config::RuntimeConfig& rt = runner.runtime();
  const kafka::Cluster kafka_cluster(rt.kafka_brokers, rt.kafka_client_props);
  auto registry = registry::LoadRegistry(service::RegistryPath());
  if (!registry.ok()) return runner.BadConfig("registry", registry.status());
  RegistryUnitDirectory units(*registry);

  events::Topics topics(rt.topic_prefix);
  kafka::Replication replication{.factor = rt.replication_factor, .min_insync = rt.min_insync_replicas};
  std::vector<kafka::TopicSpec> specs = events::TopicSpecs(topics, rt.partitions, replication);
  specs.push_back(events::AdvisoryTopicSpec(AlertsTopic(rt.topic_prefix), rt.partitions, replication));
  if (absl::Status s = kafka::EnsureTopics(kafka_cluster, specs); !s.ok()) {
    return runner.StartupFailed("ensure_topics", s);
  }
  auto producer = kafka::Producer::Create({.brokers = kafka_cluster,
                                           .client_id = "gridcase-feedback",
                                           .topics = {topics.feedback(), AlertsTopic(rt.topic_prefix)}});
  if (!producer.ok()) return runner.StartupFailed("producer", producer.status());
  // Stopped last: every alert reaches Kafka before the process exits.
  runner.Started("producer", [&producer] {
    if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
      spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
    }
  });

  redis::RedisOptions redis_options{.host = rt.redis.host,
                                    .port = rt.redis.port,
                                    .user = rt.redis_user,
                                    .password = rt.redis_password};
  auto consumer_redis = redis::RedisClient::Create(redis::ForConsumerLanes(redis_options));
  if (!consumer_redis.ok()) return runner.StartupFailed("redis", consumer_redis.status());
  auto serving_redis = redis::RedisClient::Create(redis_options);
  if (!serving_redis.ok()) return runner.StartupFailed("redis", serving_redis.status());
  auto loop_redis = redis::RedisClient::Create(redis_options);
  if (!loop_redis.ok()) return runner.StartupFailed("redis", loop_redis.status());

  auto now = [] { return absl::Now(); };
  const FeedbackPolicy& policy = config->policy;
  // Feedback acts on cases as its own service identity (ROLE_SYSTEM from the services' issuer).
  auto credential = runner.security().OwnCredential();
  if (!credential.ok()) return runner.BadConfig("service_identity", credential.status());
  DispatchCommander dispatch(
      server::AuthorizedChannel(config->dispatch_addr, *credential, runner.security().ChannelCredentials()),
      config->dispatch_timeout);

  // The statistics, from every case topic: one consumer group, its cases handled side by side (CaseLanes).
  RedisFeedbackStore consumer_store(consumer_redis->get(), rt.redis_prefix);
  StatsRecorder recorder(&consumer_store, policy);
  KafkaAlertSink alert_sink(producer->get(), AlertsTopic(rt.topic_prefix));
  HotSpotWatch watch(&consumer_store, &alert_sink, policy.hot_spot, now);
  CaseEventHandler handler(&recorder, &watch, now);
  parking::RedisParkingStore parking_store(consumer_redis->get(), rt.redis_prefix);
  auto parking = parking::ParkingOptionsFromFlags(&parking_store);
  if (!parking.ok()) return runner.BadConfig("parking", parking.status());
  auto consumer = kafka::Consumer::Create({.brokers = kafka_cluster,
                                           .group_id = rt.topic_prefix + "gridcase-feedback",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-feedback",
                                           .extra = rt.kafka_consumer_props,
                                           .parking = *parking},
                                          producer->get());
  if (!consumer.ok()) return runner.StartupFailed("consumer", consumer.status());
  runner.StartThread(
      "consumer",
      [&] {
        (*consumer)->RunByCase([&handler](const kafka::Message& m) { return handler.Handle(m); }, rt.consumer_lanes,
                               rt.consumer_batch);
      },
      [&] { (*consumer)->Stop(); });

  // The rating desk and the settle loop (not-rated closes, stored ratings, escalation catch-up).
  RedisFeedbackStore serving_store(serving_redis->get(), rt.redis_prefix);
  RatingDesk desk(&serving_store, &dispatch, policy.rating, now, NewRatingCode);
  RedisFeedbackStore loop_store(loop_redis->get(), rt.redis_prefix);
  RatingDesk loop_desk(&loop_store, &dispatch, policy.rating, now, NewRatingCode);
  SettleLoop settle(&loop_store, &loop_desk, {.poll = config->settle_poll}, now);
  settle.Start();
  runner.Started("settle_loop", [&settle] { settle.Stop(); });

  ReportBuilder reports(&serving_store, &units, policy, now);
  PublicCases public_cases(&serving_store, &units, policy.fallback);
  FeedbackFront front(&desk, &reports, &public_cases, &units, config->rating_code_issuers);
  FeedbackGrpc service(&front);

  auto http = runner.StartHttp<FeedbackHttp>("http", [&](server::HttpServerFactory make_server) {
    return FeedbackHttp::Start({.address = config->http_addr,
                                .make_server = std::move(make_server),
                                .authenticate = runner.security().authenticator(),
                                .access_log = runner.security().access_log()},
                               &front);
  });
  if (!http.ok()) return runner.StartupFailed("http", http.status());

  // The registry (names in reports) follows its file without a restart; an invalid file keeps the old one.
  runner.ReloadRegistry([&units](const std::string& path) -> absl::Status {
    auto next = registry::LoadRegistry(path);
    if (!next.ok()) return next.status();
    units.Replace(*std::move(next));
    return absl::OkStatus();
  });
  return runner.Serve({{v1::FeedbackService::service_full_name(), &service}},
                      {{"http_port", absl::StrCat((*http)->port())},
                       {"dispatch", config->dispatch_addr},
                       {"rating_window", absl::FormatDuration(policy.rating.window)},
                       {"max_reopens", absl::StrCat(policy.rating.max_reopens)}});
}

}  // namespace
}  // namespace gridcase::feedback

int main(int argc, char** argv) {
  return gridcase::service::RunService(
      argc, argv, {"feedback", "feedback: 群众评单, the 三率 and the statistical report"}, &gridcase::feedback::Run);
}
