// sla: deadline clocks on the working calendar — warnings, breaches and escalation for every case, and supervisors'
// live watch.
#include <unistd.h>

#include <thread>

#include "absl/time/clock.h"
#include "libs/config/runtime_config.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/parking/parking_flags.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/service/service_runner.h"
#include "services/sla/adapters/kafka_published_alarms.h"
#include "services/sla/adapters/kafka_sla_event_sink.h"
#include "services/sla/adapters/redis_sla_store.h"
#include "services/sla/adapters/redis_timer_store.h"
#include "services/sla/alarm_firer.h"
#include "services/sla/alert_tail.h"
#include "services/sla/clock_keeper.h"
#include "services/sla/fired_alarms_restore.h"
#include "services/sla/sla_config.h"
#include "services/sla/sla_grpc.h"
#include "services/sla/timer_reconciler.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {
namespace {

int Run(service::ServiceRunner& runner) {
  const config::RuntimeConfig& runtime = runner.runtime();
  const kafka::Cluster kafka_cluster(runtime.kafka_brokers, runtime.kafka_client_props);
  auto sla_config = LoadSlaConfig(BinaryDir());
  if (!sla_config.ok()) return runner.BadConfig("sla_config", sla_config.status());
  auto policy = LoadSlaPolicy(sla_config->policy_path);
  if (!policy.ok()) return runner.BadConfig("policy", policy.status());
  auto calendar = WorkingCalendar::FromFiles(sla_config->holiday_files, policy->calendar);
  if (!calendar.ok()) return runner.BadConfig("calendar", calendar.status());
  spdlog::info("msg=calendar_loaded policy={} holiday_files={} published_years={}", sla_config->policy_path,
               sla_config->holiday_files.size(), calendar->PublishedYears().size());

  events::Topics topics(runtime.topic_prefix);
  SlaKeys keys(runtime.redis_prefix);
  kafka::Replication replication{.factor = runtime.replication_factor, .min_insync = runtime.min_insync_replicas};
  if (absl::Status s =
          kafka::EnsureTopics(kafka_cluster, events::TopicSpecs(topics, runtime.partitions, replication));
      !s.ok()) {
    return runner.StartupFailed("ensure_topics", s);
  }
  // Every alarm publish settles (delivered or failed) within a quarter of the timer lease, well before another replica
  // may take the timer over (AlarmFirer).
  auto producer = kafka::Producer::Create(
      {.brokers = kafka_cluster,
       .client_id = "gridcase-sla",
       .extra = {{"message.timeout.ms", absl::StrCat(absl::ToInt64Milliseconds(sla_config->timer_lease / 4))}},
       .topics = {topics.sla()}});
  if (!producer.ok()) return runner.StartupFailed("producer", producer.status());
  // Stopped last: every alarm and clock event reaches Kafka before the process exits.
  runner.Started("producer", [&producer] {
    if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
      spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
    }
  });
  // One connection per user: the consumer, the firing loop and the gRPC readers never wait for each other.
  const redis::RedisOptions redis_options{.host = runtime.redis.host,
                                          .port = runtime.redis.port,
                                          .user = runtime.redis_user,
                                          .password = runtime.redis_password};
  auto keeper_redis = redis::RedisClient::Create(redis::ForConsumerLanes(redis_options));
  auto firing_redis = redis::RedisClient::Create(redis_options);
  auto reader_redis = redis::RedisClient::Create(redis_options);
  auto reconcile_redis = redis::RedisClient::Create(redis_options);
  for (const absl::Status& s :
       {keeper_redis.status(), firing_redis.status(), reader_redis.status(), reconcile_redis.status()}) {
    if (!s.ok()) return runner.StartupFailed("redis", s);
  }

  const std::function<absl::Time()> now = [] { return absl::Now(); };
  ClockPlanner planner(&*policy, &*calendar);
  KafkaSlaEventSink sink(producer->get(), topics);
  AlertBroadcaster broadcaster;

  RedisCaseClockStore keeper_cases(keeper_redis->get(), keys);
  // Before any clock is planned: alarms already on the SLA topic count as fired even if Redis lost that record.
  if (auto restored = RestoreFiredAlarms(keeper_redis->get(), keys, &keeper_cases, kafka_cluster,
                                         topics.sla());
      !restored.ok()) {
    return runner.StartupFailed("restore_fired_alarms", restored.status());
  } else if (*restored > 0) {
    spdlog::info("msg=fired_alarms_restored alarms={}", *restored);
  }
  RedisClockEffects keeper_effects(keeper_redis->get(), keys);
  ClockKeeper keeper(&planner, &keeper_cases, &keeper_effects, &sink);

  RedisCaseClockStore firing_cases(firing_redis->get(), keys);
  RedisTimerStore firing_timers(firing_redis->get(), keys);
  KafkaPublishedAlarms published(kafka_cluster, topics.sla());
  AlarmFirer firer(&planner, &firing_cases, &sink, &published, &broadcaster, now);
  TimerLoop timer_loop(
      &firing_timers, &firer, now,
      {.poll = sla_config->timer_poll, .lease = sla_config->timer_lease, .batch = sla_config->timer_batch});

  RedisCaseClockStore reconcile_cases(reconcile_redis->get(), keys);
  RedisTimerStore reconcile_timers(reconcile_redis->get(), keys);
  RedisDueIndex reconcile_due(reconcile_redis->get(), keys);
  TimerReconciler reconciler(&planner, &reconcile_cases, &reconcile_timers, &reconcile_due,
                             {.every = sla_config->timer_reconcile});

  RedisCaseClockStore reader_cases(reader_redis->get(), keys);
  RedisDueIndex reader_due(reader_redis->get(), keys);
  SlaGrpc service(&planner, &reader_cases, &reader_due, &broadcaster, now);

  parking::RedisParkingStore parking_store(keeper_redis->get(), runtime.redis_prefix);
  auto parking = parking::ParkingOptionsFromFlags(&parking_store);
  if (!parking.ok()) return runner.BadConfig("parking", parking.status());
  auto consumer = kafka::Consumer::Create({.brokers = kafka_cluster,
                                           .group_id = runtime.topic_prefix + "gridcase-sla",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-sla",
                                           .extra = runtime.kafka_consumer_props,
                                           .parking = *parking},
                                          producer->get());
  if (!consumer.ok()) return runner.StartupFailed("consumer", consumer.status());
  // Every replica tails the SLA topic in a group of its own, from the end, for WatchOverdue.
  auto tail = kafka::Consumer::Create({.brokers = kafka_cluster,
                                       .group_id = absl::StrCat(runtime.topic_prefix, "gridcase-sla-watch-", getpid(),
                                                                "-", absl::ToUnixMillis(absl::Now())),
                                       .topics = {topics.sla()},
                                       .client_id = "gridcase-sla-watch",
                                       .extra = {{"auto.offset.reset", "latest"}, {"enable.auto.commit", "false"}}},
                                      producer->get());
  if (!tail.ok()) return runner.StartupFailed("consumer", tail.status());
  // The case consumer and the SLA tail stop together: each closes (commit, leave the group) while the other does.
  RedisCaseClockStore tail_cases(reader_redis->get(), keys);
  std::thread consuming([&] {
    (*consumer)->RunByCase([&keeper](const kafka::Message& m) { return keeper.HandleRecord(m); },
                           runtime.consumer_lanes, runtime.consumer_batch);
  });
  std::thread tailing(
      [&] { (*tail)->Run([&](const kafka::Message& m) { return FeedAlerts(broadcaster, tail_cases, m); }); });
  runner.Started("consumers", [&] {
    (*consumer)->Stop();
    (*tail)->Stop();
    consuming.join();
    tailing.join();
  });
  runner.StartThread("timer_loop", [&] { timer_loop.Run(); }, [&] { timer_loop.Stop(); });
  if (sla_config->timer_reconcile > absl::ZeroDuration()) {
    runner.StartThread("timer_reconciler", [&] { reconciler.Run(); }, [&] { reconciler.Stop(); });
  }
  // End the watch streams first, so that the gRPC drain does not wait on them.
  runner.OnDrain([&broadcaster] { broadcaster.Close(); });
  return runner.Serve({{v1::SlaService::service_full_name(), &service}});
}

}  // namespace
}  // namespace gridcase::sla

int main(int argc, char** argv) {
  return gridcase::service::RunService(argc, argv, {"sla", "sla: deadline clocks, warnings, breaches and escalation"},
                                       &gridcase::sla::Run);
}
