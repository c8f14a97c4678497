// Restoring the record of fired alarms from the SLA topic, against the test run's Kafka broker and redis-server.
#include "services/sla/fired_alarms_restore.h"

#include "gtest/gtest.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/testing/infra.h"
#include "services/sla/adapters/redis_sla_store.h"

namespace gridcase::sla {
namespace {

v1::CaseEvent Warned(const std::string& case_id, const std::string& clock, int cycle, int percent) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/sla/", clock, "/", cycle, "/warn", percent));
  event.set_case_id(case_id);
  event.mutable_sla_warned()->set_percent(percent);
  event.mutable_sla_warned()->set_cycle(cycle);
  return event;
}

v1::CaseEvent Breached(const std::string& case_id, const std::string& clock, int cycle) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/sla/", clock, "/", cycle, "/breach"));
  event.set_case_id(case_id);
  event.mutable_sla_breached()->set_cycle(cycle);
  return event;
}

TEST(RestoreFiredAlarmsTest, RecordsEveryAlarmOnTheTopicOncePerRedisServer) {
  const auto& infra = gridcase::testing::TestInfra();
  const std::string prefix = gridcase::testing::UniqueName("restore") + ".";
  events::Topics topics(prefix);
  ASSERT_TRUE(kafka::EnsureTopics(infra.kafka_brokers,
                                  events::TopicSpecs(topics, 2, {.factor = 1, .min_insync = 1})).ok());
  auto producer = kafka::Producer::Create({.brokers = infra.kafka_brokers});
  ASSERT_TRUE(producer.ok());
  events::KafkaEventPublisher publisher(producer->get(), topics);
  ASSERT_TRUE(publisher.Publish(Warned("GC-20261130-000001", "completion", 1, 50)).ok());
  ASSERT_TRUE(publisher.Publish(Breached("GC-20261130-000001", "sign_off.v1", 1)).ok());
  ASSERT_TRUE(publisher.Publish(Warned("GC-20261130-000002", "completion", 2, 75)).ok());
  v1::CaseEvent deadline;  // Not an alarm: not recorded.
  deadline.set_event_id("GC-20261130-000002/sla/completion/2/deadline.v3");
  deadline.set_case_id("GC-20261130-000002");
  deadline.mutable_deadline_set()->set_cycle(2);
  ASSERT_TRUE(publisher.Publish(deadline).ok());

  auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  ASSERT_TRUE(redis.ok());
  SlaKeys keys(prefix);
  RedisCaseClockStore cases(redis->get(), keys);
  auto restored = RestoreFiredAlarms(redis->get(), keys, &cases, infra.kafka_brokers, topics.sla());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(*restored, 3);
  auto first = cases.Load("GC-20261130-000001");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->fired.contains("completion|1|warn50"));
  EXPECT_TRUE(first->fired.contains("sign_off.v1|1|breach"));
  auto second = cases.Load("GC-20261130-000002");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->fired, (absl::flat_hash_set<std::string>{"completion|2|warn75"}));

  // Restored on this server already: nothing is read again.
  auto again = RestoreFiredAlarms(redis->get(), keys, &cases, infra.kafka_brokers, topics.sla());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);

  // Redis lost the SLA's keys (a wipe): the record comes back from the topic.
  ASSERT_TRUE((*redis)->Run({"DEL", keys.FiredRestored(), keys.Fired("GC-20261130-000001")}).ok());
  auto after_wipe = RestoreFiredAlarms(redis->get(), keys, &cases, infra.kafka_brokers, topics.sla());
  ASSERT_TRUE(after_wipe.ok());
  EXPECT_EQ(*after_wipe, 3);
  auto restored_first = cases.Load("GC-20261130-000001");
  ASSERT_TRUE(restored_first.ok());
  EXPECT_TRUE(restored_first->fired.contains("sign_off.v1|1|breach"));
}

}  // namespace
}  // namespace gridcase::sla
