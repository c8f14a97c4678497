#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_admin.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"

namespace gridcase::events {
namespace {

class TopicsKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = testing::TestInfra().kafka_brokers;
    topics_ = Topics(testing::UniqueName("topicstest") + ".");
  }

  // A topic just created may take a moment to appear in the metadata every broker serves.
  kafka::TopicDescription Describe(const std::string& topic) {
    absl::StatusOr<kafka::TopicDescription> description;
    testing::WaitFor([&] {
      description = kafka::DescribeTopic(brokers_, topic);
      return !absl::IsNotFound(description.status());
    });
    EXPECT_TRUE(description.ok()) << topic << ": " << description.status();
    return description.ok() ? *description : kafka::TopicDescription{};
  }

  std::string brokers_;
  Topics topics_;
};

TEST_F(TopicsKafkaTest, CreatesEveryCaseAndDeadLetterTopicWithUnlimitedRetention) {
  ASSERT_TRUE(kafka::EnsureTopics(brokers_, TopicSpecs(topics_, 2, {.factor = 1, .min_insync = 1})).ok());
  for (const std::string& topic : topics_.CaseTopics()) {
    for (const std::string& name : {topic, topic + ".dlt"}) {
      kafka::TopicDescription d = Describe(name);
      EXPECT_EQ(d.partitions, name == topic ? 2 : 1) << name;
      EXPECT_EQ(d.replication_factor, 1) << name;
      EXPECT_EQ(d.configs["retention.ms"], "-1") << name;
      EXPECT_EQ(d.configs["retention.bytes"], "-1") << name;
      // Set on the topic itself, not inherited from whatever the broker's default is.
      EXPECT_EQ(d.overrides["min.insync.replicas"], "1") << name;
      EXPECT_EQ(d.overrides["retention.ms"], "-1") << name;
    }
  }
  // The access records (安全审计) are kept as long as the cases.
  kafka::TopicDescription audit = Describe(topics_.audit());
  EXPECT_EQ(audit.partitions, 2);
  EXPECT_EQ(audit.configs["retention.ms"], "-1");
}

TEST_F(TopicsKafkaTest, FixesTopicsCreatedEarlierWithAFiniteRetentionAndKeepsOtherOverrides) {
  // As an earlier release left them: the intake topic with an explicit 7-day retention and another override of the
  // operator's, the verification topic with the broker's default retention (7 days on this broker, too).
  ASSERT_TRUE(kafka::EnsureTopics(brokers_, {{.name = topics_.intake(),
                                              .partitions = 2,
                                              .configs = {{"retention.ms", "604800000"},
                                                          {"max.message.bytes", "2000000"}}},
                                             {.name = topics_.verification(), .partitions = 2}})
                  .ok());
  ASSERT_EQ(Describe(topics_.intake()).configs["retention.ms"], "604800000");
  ASSERT_NE(Describe(topics_.verification()).configs["retention.ms"], "-1");

  ASSERT_TRUE(kafka::EnsureTopics(brokers_, TopicSpecs(topics_, 2, {.factor = 1, .min_insync = 1})).ok());
  for (const std::string& name : {topics_.intake(), topics_.verification()}) {
    // The broker applies a config change to what it describes shortly after the change is acknowledged.
    kafka::TopicDescription d;
    testing::WaitFor([&] {
      d = Describe(name);
      return d.configs["retention.ms"] == "-1";
    }, absl::Seconds(10));
    EXPECT_EQ(d.configs["retention.ms"], "-1") << name;
    EXPECT_EQ(d.configs["retention.bytes"], "-1") << name;
    EXPECT_EQ(d.overrides["min.insync.replicas"], "1") << name;
    EXPECT_EQ(d.partitions, 2) << name;
  }
  EXPECT_EQ(Describe(topics_.intake()).overrides["max.message.bytes"], "2000000");
  // Converged: a second run changes nothing and succeeds.
  EXPECT_TRUE(kafka::EnsureTopics(brokers_, TopicSpecs(topics_, 2, {.factor = 1, .min_insync = 1})).ok());
}

TEST_F(TopicsKafkaTest, AdvisoryTopicsKeepAWeek) {
  std::string alerts = topics_.intake() + ".alerts";
  ASSERT_TRUE(kafka::EnsureTopics(brokers_, {AdvisoryTopicSpec(alerts, 1, {.factor = 1, .min_insync = 1})}).ok());
  EXPECT_EQ(Describe(alerts).overrides["retention.ms"], "604800000");
}

TEST_F(TopicsKafkaTest, AReplicationFactorTheClusterCannotHoldFailsStartUp) {
  // One broker: three replicas cannot be placed, and the error says so rather than creating a weaker topic.
  absl::Status s = kafka::EnsureTopics(brokers_, TopicSpecs(topics_, 1, {.factor = 3, .min_insync = 2}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("create topic"), std::string::npos) << s;
}

TEST_F(TopicsKafkaTest, AnExistingTopicWithFewerReplicasThanMinInsyncIsRefusedAndLeftAlone) {
  ASSERT_TRUE(kafka::EnsureTopics(brokers_, {{.name = topics_.sla(), .partitions = 1}}).ok());
  ASSERT_EQ(Describe(topics_.sla()).replication_factor, 1);
  absl::Status s =
      kafka::EnsureTopics(brokers_, {{.name = topics_.sla(),
                                      .partitions = 1,
                                      .replication_factor = 1,
                                      .configs = LogTopicConfigs({.factor = 3, .min_insync = 2})}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Describe(topics_.sla()).overrides.count("min.insync.replicas"), 0u);
}

}  // namespace
}  // namespace gridcase::events
