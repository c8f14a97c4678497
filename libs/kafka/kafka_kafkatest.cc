#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"

namespace gridcase::kafka {
namespace {

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = testing::TestInfra().kafka_brokers;
    topic_ = testing::UniqueName("kafkatest");
    ASSERT_TRUE(EnsureTopics(brokers_, {{.name = topic_, .partitions = 2}, {.name = topic_ + ".dlt"}}).ok());
    auto producer = Producer::Create({.brokers = brokers_});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
  }

  std::unique_ptr<Consumer> NewConsumer(const std::string& group, const std::string& topic) {
    auto consumer = Consumer::Create(
        {.brokers = brokers_, .group_id = group, .topics = {topic}, .retry_backoff = absl::Milliseconds(50)},
        producer_.get());
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    return *std::move(consumer);
  }

  std::string brokers_;
  std::string topic_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(KafkaTest, EnsureTopicsIsIdempotent) {
  EXPECT_TRUE(EnsureTopics(brokers_, {{.name = topic_, .partitions = 2}}).ok());
}

TEST_F(KafkaTest, ProducedRecordsAreConsumedWithKeysAndHeaders) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(producer_->Produce(topic_, "case-" + std::to_string(i % 3), "v" + std::to_string(i),
                                   {{"gridcase-event", "test"}})
                    .ok());
  }
  auto consumer = NewConsumer(testing::UniqueName("group"), topic_);
  std::vector<Message> seen;
  std::thread runner([&] {
    consumer->Run([&](const Message& m) {
      seen.push_back(m);
      if (seen.size() == 10) consumer->Stop();
      return absl::OkStatus();
    });
  });
  runner.join();
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen[0].headers.size(), 1u);
  EXPECT_EQ(seen[0].headers[0].key, "gridcase-event");
  EXPECT_EQ(seen[0].key.substr(0, 5), "case-");
}

TEST_F(KafkaTest, FailedEffectIsRedeliveredAndCommittedOnlyAfterSuccess) {
  ASSERT_TRUE(producer_->Produce(topic_, "k", "first").ok());
  ASSERT_TRUE(producer_->Produce(topic_, "k", "second").ok());
  std::string group = testing::UniqueName("group");
  {
    auto consumer = NewConsumer(group, topic_);
    int failures = 0;
    std::vector<std::string> applied;
    consumer->Run([&](const Message& m) {
      if (m.value == "second" && failures < 2) {
        ++failures;
        return absl::UnavailableError("store down");
      }
      applied.push_back(m.value);
      if (m.value == "second") consumer->Stop();
      return absl::OkStatus();
    });
    EXPECT_EQ(failures, 2);
    EXPECT_EQ(applied, (std::vector<std::string>{"first", "second"}));
  }
  // Both offsets were committed at close: a new member of the group sees only new records.
  ASSERT_TRUE(producer_->Produce(topic_, "k", "third").ok());
  auto consumer = NewConsumer(group, topic_);
  std::vector<std::string> later;
  consumer->Run([&](const Message& m) {
    later.push_back(m.value);
    consumer->Stop();
    return absl::OkStatus();
  });
  EXPECT_EQ(later, (std::vector<std::string>{"third"}));
}

TEST_F(KafkaTest, UncommittedRecordIsRedeliveredToTheNextMember) {
  ASSERT_TRUE(producer_->Produce(topic_, "k", "only").ok());
  std::string group = testing::UniqueName("group");
  {
    auto consumer = NewConsumer(group, topic_);
    consumer->Run([&](const Message&) {
      consumer->Stop();
      return absl::UnavailableError("crash before the effect");
    });
  }
  auto consumer = NewConsumer(group, topic_);
  std::string got;
  consumer->Run([&](const Message& m) {
    got = m.value;
    consumer->Stop();
    return absl::OkStatus();
  });
  EXPECT_EQ(got, "only");
}

TEST_F(KafkaTest, PoisonRecordGoesToDeadLetterTopicWithReason) {
  ASSERT_TRUE(producer_->Produce(topic_, "k", "poison").ok());
  ASSERT_TRUE(producer_->Produce(topic_, "k", "good").ok());
  auto consumer = NewConsumer(testing::UniqueName("group"), topic_);
  std::vector<std::string> applied;
  consumer->Run([&](const Message& m) {
    if (m.value == "poison") return absl::InvalidArgumentError("cannot parse");
    applied.push_back(m.value);
    consumer->Stop();
    return absl::OkStatus();
  });
  EXPECT_EQ(applied, (std::vector<std::string>{"good"}));

  auto dlt = NewConsumer(testing::UniqueName("group"), topic_ + ".dlt");
  Message dead;
  dlt->Run([&](const Message& m) {
    dead = m;
    dlt->Stop();
    return absl::OkStatus();
  });
  EXPECT_EQ(dead.value, "poison");
  bool has_reason = false;
  for (const Header& h : dead.headers) {
    if (h.key == "gridcase-dlt-reason") has_reason = h.value.find("cannot parse") != std::string::npos;
  }
  EXPECT_TRUE(has_reason);
}

TEST_F(KafkaTest, ProduceToUnreachableBrokerFailsRetryably) {
  auto producer = Producer::Create({.brokers = "127.0.0.1:1", .extra = {{"message.timeout.ms", "500"}}});
  ASSERT_TRUE(producer.ok());
  absl::Status status = (*producer)->Produce(topic_, "k", "v");
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(status.code() == absl::StatusCode::kDeadlineExceeded ||
              status.code() == absl::StatusCode::kUnavailable)
      << status;
}

TEST_F(KafkaTest, AProducerLooksUpTheTopicsItWillWrite) {
  auto producer = Producer::Create({.brokers = brokers_, .topics = {topic_, topic_ + ".dlt"}});
  ASSERT_TRUE(producer.ok()) << producer.status();
  EXPECT_TRUE((*producer)->Produce(topic_, "k", "v").ok());
  EXPECT_TRUE((*producer)->Produce(topic_ + ".dlt", "k", "v").ok());
}

TEST_F(KafkaTest, LookingUpTopicsWithTheBrokerAwayDelaysTheStartBoundedly) {
  const absl::Time start = absl::Now();
  auto producer = Producer::Create(
      {.brokers = "127.0.0.1:1", .extra = {{"message.timeout.ms", "500"}}, .topics = {"a", "b", "c", "d", "e"}});
  ASSERT_TRUE(producer.ok()) << producer.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "2 s for all the topics, not a wait per topic";
}

}  // namespace
}  // namespace gridcase::kafka
