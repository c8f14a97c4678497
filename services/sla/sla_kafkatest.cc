// The SLA service's look-up of published alarms (KafkaPublishedAlarms) against the test run's Kafka broker: what the
// firer reads before deciding about a timer whose earlier claim did not end.
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/events/proto_time.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/testing/infra.h"
#include "services/sla/adapters/kafka_published_alarms.h"
#include "services/sla/adapters/kafka_sla_event_sink.h"

namespace gridcase::sla {
namespace {

v1::CaseEvent Warned(const std::string& case_id, const std::string& alarm) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/sla/completion/1/", alarm));
  event.set_case_id(case_id);
  *event.mutable_occurred_at() = events::ToProto(absl::Now());
  event.mutable_sla_warned()->set_percent(50);
  return event;
}

TEST(KafkaPublishedAlarmsTest, FindsTheAlarmsOfTheGivenCasesPublishedSinceATime) {
  const std::string brokers = gridcase::testing::TestInfra().kafka_brokers;
  const events::Topics topics(gridcase::testing::UniqueName("published") + ".");
  ASSERT_TRUE(kafka::EnsureTopics(brokers, {{.name = topics.sla(), .partitions = 3}}).ok());
  auto producer = kafka::Producer::Create({.brokers = brokers});
  ASSERT_TRUE(producer.ok());
  KafkaSlaEventSink sink(producer->get(), topics);
  KafkaPublishedAlarms published(brokers, topics.sla());

  EXPECT_TRUE(published.Find({"GC-a"}, {"GC-a/sla/completion/1/warn50"}, absl::Now() - absl::Hours(1))->empty())
      << "an empty topic";

  const absl::Time before = absl::Now() - absl::Seconds(1);
  std::vector<v1::CaseEvent> batch;
  for (const char* id : {"GC-a", "GC-b", "GC-c", "GC-d", "GC-e", "GC-f"}) batch.push_back(Warned(id, "warn50"));
  for (const absl::Status& status : sink.PublishAll(batch)) ASSERT_TRUE(status.ok()) << status;

  absl::StatusOr<std::map<std::string, v1::CaseEvent>> found = published.Find(
      {"GC-a", "GC-e"}, {"GC-a/sla/completion/1/warn50", "GC-e/sla/completion/1/warn50", "GC-a/sla/completion/1/warn75"},
      before);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u) << "warn75 was never published";
  EXPECT_EQ(found->at("GC-a/sla/completion/1/warn50").SerializeAsString(), batch[0].SerializeAsString());
  EXPECT_TRUE(found->contains("GC-e/sla/completion/1/warn50"));

  // Records older than `since` are not read; an event id of a case not asked about is not matched.
  EXPECT_TRUE(published.Find({"GC-a"}, {"GC-a/sla/completion/1/warn50"}, absl::Now() + absl::Minutes(1))->empty());
  EXPECT_TRUE(published.Find({"GC-b"}, {"GC-c/sla/completion/1/warn50"}, before)->empty());
}

}  // namespace
}  // namespace gridcase::sla
