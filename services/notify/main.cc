// notify: 回 — every step of a case reaches the integration that handed it over (signed HTTPS callbacks) and the
// resident who made it (SMS or app push), exactly once as they see it.
#include <unistd.h>

#include <random>

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
#include "libs/privacy/master_keys.h"
#include "libs/privacy/personal_data.h"
#include "libs/privacy/redis_data_key_store.h"
#include "libs/server/service_channel.h"
#include "libs/service/service_flags.h"
#include "libs/service/service_runner.h"
#include "services/notify/adapters/https_poster.h"
#include "services/notify/adapters/message_gateways.h"
#include "services/notify/adapters/redis_notify_store.h"
#include "services/notify/adapters/service_adapters.h"
#include "services/notify/case_event_handler.h"
#include "services/notify/core/callback_sender.h"
#include "services/notify/core/event_router.h"
#include "services/notify/core/notice_sender.h"
#include "services/notify/delivery_workers.h"
#include "services/notify/notify_config.h"
#include "services/notify/notify_grpc.h"
#include "spdlog/spdlog.h"

namespace gridcase::notify {
namespace {

std::string LeaseOwner() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  std::random_device random;
  return absl::StrCat(host, "/", getpid(), "/", random());
}

std::unique_ptr<MessageGateway> MakeGateway(const GatewayConfig& config, HttpsPoster* http) {
  if (!config.sink.empty()) return std::make_unique<FileMessageGateway>(config.sink);
  return std::make_unique<HttpMessageGateway>(config.url, config.credentials, http);
}

int Run(service::ServiceRunner& runner) {
  auto config = LoadNotifyConfig();
  if (!config.ok()) return runner.BadConfig("flags", config.status());
  const config::RuntimeConfig& rt = runner.runtime();
  const kafka::Cluster kafka_cluster(rt.kafka_brokers, rt.kafka_client_props);
  auto master_keys = privacy::MasterKeys::Load(service::DataMasterKeyFile());
  if (!master_keys.ok()) return runner.BadConfig("data_master_key_file", master_keys.status());
  std::string index_key = master_keys->index_key();

  events::Topics topics(rt.topic_prefix);
  kafka::Replication replication{.factor = rt.replication_factor, .min_insync = rt.min_insync_replicas};
  if (absl::Status s = kafka::EnsureTopics(kafka_cluster, events::TopicSpecs(topics, rt.partitions, replication));
      !s.ok()) {
    return runner.StartupFailed("ensure_topics", s);
  }
  // Only for dead letters: notify writes nothing else to Kafka.
  auto producer = kafka::Producer::Create({.brokers = kafka_cluster, .client_id = "gridcase-notify"});
  if (!producer.ok()) return runner.StartupFailed("producer", producer.status());
  runner.Started("producer", [&producer] {
    if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
      spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
    }
  });

  redis::RedisOptions redis_options{
      .host = rt.redis.host, .port = rt.redis.port, .user = rt.redis_user, .password = rt.redis_password};
  auto consumer_redis = redis::RedisClient::Create(redis::ForConsumerLanes(redis_options));
  if (!consumer_redis.ok()) return runner.StartupFailed("redis", consumer_redis.status());
  redis::RedisOptions worker_options = redis_options;
  worker_options.connections = 8;  // The targets' workers and the gRPC handlers.
  auto worker_redis = redis::RedisClient::Create(worker_options);
  if (!worker_redis.ok()) return runner.StartupFailed("redis", worker_redis.status());

  auto now = [] { return absl::Now(); };
  // The case topics → queued deliveries: one consumer group, its cases handled side by side (CaseLanes).
  RedisNotifyStore consumer_store(consumer_redis->get(), rt.redis_prefix, config->retention);
  EventRouter router(&consumer_store, &consumer_store, &consumer_store, now, config->max_event_age);
  CaseEventHandler handler(&router);
  parking::RedisParkingStore parking_store(consumer_redis->get(), rt.redis_prefix);
  auto parking = parking::ParkingOptionsFromFlags(&parking_store);
  if (!parking.ok()) return runner.BadConfig("parking", parking.status());
  auto consumer = kafka::Consumer::Create({.brokers = kafka_cluster,
                                           .group_id = rt.topic_prefix + "gridcase-notify",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-notify",
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

  // The senders.
  RedisNotifyStore worker_store(worker_redis->get(), rt.redis_prefix, config->retention);
  HttpsPoster callbacks_http({.ca_file = config->callback_ca,
                              .timeout = config->callback_timeout,
                              .allow_http = config->allow_http_callbacks});
  // Gateways are the county's own providers: http is allowed for one on the local network.
  HttpsPoster gateway_http({.timeout = config->callback_timeout, .allow_http = true});
  DirectorySecretSource secrets(config->secrets_dir);
  CallbackSender callbacks(
      [&worker_store](const std::string& name) -> absl::StatusOr<std::optional<v1::Integration>> {
        auto all = worker_store.List();
        if (!all.ok()) return all.status();
        for (const v1::Integration& integration : *all) {
          if (integration.name() == name) return integration;
        }
        return std::nullopt;
      },
      &callbacks_http, &secrets, now);

  privacy::RedisDataKeyStore data_keys(worker_redis->get(), *std::move(master_keys), rt.redis_prefix);
  privacy::PersonalData personal_data(&data_keys, std::move(index_key));
  PrivacyResidentOpener residents(&personal_data);
  // Rating codes are issued to notify's own service identity (feedback's --rating_code_issuers).
  auto credential = runner.security().OwnCredential();
  if (!credential.ok()) return runner.BadConfig("service_identity", credential.status());
  FeedbackRatingCodes codes(
      server::AuthorizedChannel(config->feedback_addr, *credential, runner.security().ChannelCredentials()),
      config->feedback_timeout);
  std::unique_ptr<MessageGateway> sms_gateway = MakeGateway(config->sms, &gateway_http);
  std::unique_ptr<MessageGateway> push_gateway = MakeGateway(config->push, &gateway_http);
  NoticeSender sms({.sms = true, .signature = config->sms_signature, .quiet = config->quiet,
                    .limit = config->phone_limit},
                   sms_gateway.get(), &residents, &codes, &worker_store, &worker_store, now);
  NoticeSender push({.sms = false, .signature = config->sms_signature, .quiet = config->quiet,
                     .limit = config->phone_limit},
                    push_gateway.get(), &residents, &codes, &worker_store, &worker_store, now);

  DeliveryWorkers workers({.owner = LeaseOwner(),
                           .poll = config->worker_poll,
                           .lease = config->worker_lease,
                           .retry = config->retry},
                          &worker_store, &worker_store, &callbacks, {{kSmsTarget, &sms}, {kPushTarget, &push}});
  workers.Start();
  runner.Started("delivery_workers", [&workers] { workers.Stop(); });

  NotifyFront front({.operators = config->operators, .allow_http = config->allow_http_callbacks}, &worker_store,
                    &worker_store, now);
  NotifyGrpc service(&front);
  return runner.Serve({{v1::NotificationService::service_full_name(), &service}},
                      {{"feedback", config->feedback_addr},
                       {"sms", config->sms.sink.empty() ? "provider" : "sink"},
                       {"park_after", absl::FormatDuration(config->retry.park_after)}});
}

}  // namespace
}  // namespace gridcase::notify

int main(int argc, char** argv) {
  return gridcase::service::RunService(
      argc, argv, {"notify", "notify: case steps to integrations (signed callbacks) and residents (SMS, app push)"},
      &gridcase::notify::Run);
}
