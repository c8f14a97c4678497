// sla: deadline clocks on the working calendar — warnings, breaches and escalation for every case, and supervisors'
// live watch.
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "absl/time/clock.h"
#include "libs/config/runtime_config.h"
#include "libs/events/topics.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/parking/parking_flags.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/server/grpc_server.h"
#include "libs/server/process_signals.h"
#include "services/sla/adapters/kafka_published_alarms.h"
#include "services/sla/adapters/kafka_sla_event_sink.h"
#include "services/sla/adapters/redis_sla_store.h"
#include "services/sla/adapters/redis_timer_store.h"
#include "services/sla/alarm_firer.h"
#include "services/sla/alert_tail.h"
#include "services/sla/clock_keeper.h"
#include "services/sla/sla_config.h"
#include "services/sla/sla_grpc.h"
#include "services/sla/timer_reconciler.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {
namespace {

int Run() {
  auto runtime = config::LoadRuntimeConfig();
  if (!runtime.ok()) {
    std::fprintf(stderr, "sla: %s\n", std::string(runtime.status().message()).c_str());
    return 2;
  }
  auto sla_config = LoadSlaConfig(BinaryDir());
  if (!sla_config.ok()) {
    std::fprintf(stderr, "sla: %s\n", std::string(sla_config.status().message()).c_str());
    return 2;
  }
  log::Init("sla", runtime->log_level);
  auto policy = LoadSlaPolicy(sla_config->policy_path);
  if (!policy.ok()) {
    spdlog::error("msg=startup_failed step=policy error={}", log::Quote(policy.status().ToString()));
    return 2;
  }
  auto calendar = WorkingCalendar::FromFiles(sla_config->holiday_files, policy->calendar);
  if (!calendar.ok()) {
    spdlog::error("msg=startup_failed step=calendar error={}", log::Quote(calendar.status().ToString()));
    return 2;
  }
  spdlog::info("msg=calendar_loaded policy={} holiday_files={} published_years={}", sla_config->policy_path,
               sla_config->holiday_files.size(), calendar->PublishedYears().size());

  events::Topics topics(runtime->topic_prefix);
  SlaKeys keys(runtime->redis_prefix);
  kafka::Replication replication{.factor = runtime->replication_factor, .min_insync = runtime->min_insync_replicas};
  if (absl::Status s = kafka::EnsureTopics(runtime->kafka_brokers, topics.Specs(runtime->partitions, replication));
      !s.ok()) {
    spdlog::error("msg=startup_failed step=ensure_topics error={}", log::Quote(s.ToString()));
    return 1;
  }
  // Every alarm publish settles (delivered or failed) within a quarter of the timer lease, well before another replica
  // may take the timer over (AlarmFirer).
  auto producer = kafka::Producer::Create(
      {.brokers = runtime->kafka_brokers,
       .client_id = "gridcase-sla",
       .extra = {{"message.timeout.ms", absl::StrCat(absl::ToInt64Milliseconds(sla_config->timer_lease / 4))}}});
  if (!producer.ok()) {
    spdlog::error("msg=startup_failed step=producer error={}", log::Quote(producer.status().ToString()));
    return 1;
  }
  // One connection per user: the consumer, the firing loop and the gRPC readers never wait for each other.
  const redis::RedisOptions redis_options{.host = runtime->redis.host, .port = runtime->redis.port};
  auto keeper_redis = redis::RedisClient::Create(redis_options);
  auto firing_redis = redis::RedisClient::Create(redis_options);
  auto reader_redis = redis::RedisClient::Create(redis_options);
  if (!keeper_redis.ok() || !firing_redis.ok() || !reader_redis.ok()) {
    spdlog::error("msg=startup_failed step=redis error={}", log::Quote(keeper_redis.status().ToString()));
    return 1;
  }

  const std::function<absl::Time()> now = [] { return absl::Now(); };
  ClockPlanner planner(&*policy, &*calendar);
  KafkaSlaEventSink sink(producer->get(), topics);
  AlertBroadcaster broadcaster;

  RedisCaseClockStore keeper_cases(keeper_redis->get(), keys);
  RedisTimerStore keeper_timers(keeper_redis->get(), keys);
  RedisDueIndex keeper_due(keeper_redis->get(), keys);
  ClockKeeper keeper(&planner, &keeper_cases, &keeper_timers, &keeper_due, &sink);

  RedisCaseClockStore firing_cases(firing_redis->get(), keys);
  RedisTimerStore firing_timers(firing_redis->get(), keys);
  KafkaPublishedAlarms published(runtime->kafka_brokers, topics.sla());
  AlarmFirer firer(&planner, &firing_cases, &sink, &published, &broadcaster, now);
  TimerLoop timer_loop(
      &firing_timers, &firer, now,
      {.poll = sla_config->timer_poll, .lease = sla_config->timer_lease, .batch = sla_config->timer_batch});

  auto reconcile_redis = redis::RedisClient::Create(redis_options);
  if (!reconcile_redis.ok()) {
    spdlog::error("msg=startup_failed step=redis error={}", log::Quote(reconcile_redis.status().ToString()));
    return 1;
  }
  RedisCaseClockStore reconcile_cases(reconcile_redis->get(), keys);
  RedisTimerStore reconcile_timers(reconcile_redis->get(), keys);
  RedisDueIndex reconcile_due(reconcile_redis->get(), keys);
  TimerReconciler reconciler(&planner, &reconcile_cases, &reconcile_timers, &reconcile_due,
                             {.every = sla_config->timer_reconcile});

  RedisCaseClockStore reader_cases(reader_redis->get(), keys);
  RedisDueIndex reader_due(reader_redis->get(), keys);
  SlaGrpc service(&planner, &reader_cases, &reader_due, &broadcaster, now);

  parking::RedisParkingStore parking_store(keeper_redis->get(), runtime->redis_prefix);
  auto parking = parking::ParkingOptionsFromFlags(&parking_store);
  if (!parking.ok()) {
    spdlog::error("msg=startup_failed step=parking error={}", log::Quote(parking.status().ToString()));
    return 2;
  }
  auto consumer = kafka::Consumer::Create({.brokers = runtime->kafka_brokers,
                                           .group_id = runtime->topic_prefix + "gridcase-sla",
                                           .topics = topics.CaseTopics(),
                                           .client_id = "gridcase-sla",
                                           .extra = runtime->kafka_consumer_props,
                                           .parking = *parking},
                                          producer->get());
  // Every replica tails the SLA topic in a group of its own, from the end, for WatchOverdue.
  auto tail = kafka::Consumer::Create({.brokers = runtime->kafka_brokers,
                                       .group_id = absl::StrCat(runtime->topic_prefix, "gridcase-sla-watch-", getpid(),
                                                                "-", absl::ToUnixMillis(absl::Now())),
                                       .topics = {topics.sla()},
                                       .client_id = "gridcase-sla-watch",
                                       .extra = {{"auto.offset.reset", "latest"}, {"enable.auto.commit", "false"}}},
                                      producer->get());
  if (!consumer.ok() || !tail.ok()) {
    spdlog::error("msg=startup_failed step=consumer error={}",
                  log::Quote((consumer.ok() ? tail.status() : consumer.status()).ToString()));
    return 1;
  }
  std::thread consuming([&] { (*consumer)->Run([&](const kafka::Message& m) { return keeper.HandleRecord(m); }); });
  RedisCaseClockStore tail_cases(reader_redis->get(), keys);
  std::thread tailing(
      [&] { (*tail)->Run([&](const kafka::Message& m) { return FeedAlerts(broadcaster, tail_cases, m); }); });
  std::thread firing([&] { timer_loop.Run(); });
  std::thread reconciling;
  if (sla_config->timer_reconcile > absl::ZeroDuration()) reconciling = std::thread([&] { reconciler.Run(); });

  auto stop_workers = [&] {
    timer_loop.Stop();
    firing.join();
    reconciler.Stop();
    if (reconciling.joinable()) reconciling.join();
    broadcaster.Close();
    (*consumer)->Stop();
    (*tail)->Stop();
    consuming.join();
    tailing.join();
  };
  auto metrics = metrics::MetricsServer::Start(runtime->metrics_addr);
  auto server =
      metrics.ok() ? server::GrpcServer::Start({.address = runtime->grpc_addr, .drain_timeout = runtime->drain_timeout},
                                               {{v1::SlaService::service_full_name(), &service}})
                   : absl::StatusOr<std::unique_ptr<server::GrpcServer>>(metrics.status());
  if (!server.ok()) {
    spdlog::error("msg=startup_failed step=serve error={}", log::Quote(server.status().ToString()));
    stop_workers();
    return 1;
  }
  spdlog::info("msg=serving grpc_port={} metrics_port={}", (*server)->port(), (*metrics)->port());

  int signal = server::WaitForShutdownSignal();
  spdlog::info("msg=draining signal={}", signal);
  // Stop firing and reconciling first (a batch or page in progress completes), end the watch streams so that the
  // drain does not wait on them, drain gRPC, close the consumers (commit, leave the group), flush the producer.
  timer_loop.Stop();
  firing.join();
  reconciler.Stop();
  if (reconciling.joinable()) reconciling.join();
  broadcaster.Close();
  (*server)->Shutdown();
  (*consumer)->Stop();
  (*tail)->Stop();
  consuming.join();
  tailing.join();
  if (absl::Status s = (*producer)->Flush(absl::Seconds(10)); !s.ok()) {
    spdlog::error("msg=flush_failed error={}", log::Quote(s.ToString()));
  }
  spdlog::info("msg=stopped");
  return 0;
}

}  // namespace
}  // namespace gridcase::sla

int main(int argc, char** argv) {
  gridcase::server::BlockProcessSignals();
  gridcase::config::ParseFlags(argc, argv, "sla: deadline clocks, warnings, breaches and escalation");
  return gridcase::sla::Run();
}
