// The group consumer with the Redis parking store, against the real broker and redis-server: a record of a case
// that cannot apply parks that case in its group, not the partition.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/kafka/case_wait.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/kafka_metrics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"

namespace gridcase::parking {
namespace {

using kafka::Message;
using kafka::ParkedCase;
using kafka::ParkedState;

// What the handler under test applied, and whether it still rejects records whose value starts with "poison" (the
// bug being "fixed" by the operator) or makes records with value "gap" wait for an earlier record.
class Ledger {
 public:
  absl::Status Handle(const Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    if (m.value.rfind("poison", 0) == 0 && !fixed_) return absl::InvalidArgumentError("cannot parse " + m.value);
    if (m.value == "gap" && !predecessor_arrived_) return kafka::WaitForEarlierRecord("waiting for version 1");
    applied_.push_back(m.key + ":" + m.value);
    ++times_[RecordIdOf(m)];
    return absl::OkStatus();
  }
  void Fix() {
    std::lock_guard<std::mutex> lock(mu_);
    fixed_ = true;
  }
  void PredecessorArrived() {
    std::lock_guard<std::mutex> lock(mu_);
    predecessor_arrived_ = true;
  }
  std::vector<std::string> Applied() {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_;
  }
  // The values applied for `key`, in order.
  std::vector<std::string> AppliedOf(const std::string& key) {
    std::vector<std::string> out;
    for (const std::string& entry : Applied()) {
      if (entry.rfind(key + ":", 0) == 0) out.push_back(entry.substr(key.size() + 1));
    }
    return out;
  }
  bool Has(const std::string& entry) {
    std::vector<std::string> applied = Applied();
    return std::find(applied.begin(), applied.end(), entry) != applied.end();
  }
  int MostTimesOneRecordApplied() {
    std::lock_guard<std::mutex> lock(mu_);
    int most = 0;
    for (const auto& [id, times] : times_) most = std::max(most, times);
    return most;
  }

 private:
  static std::string RecordIdOf(const Message& m) { return kafka::RecordId(m); }
  std::mutex mu_;
  bool fixed_ = false;
  bool predecessor_arrived_ = false;
  std::vector<std::string> applied_;
  std::map<std::string, int> times_;
};

// A consumer of the group running on its own thread until destroyed.
class RunningConsumer {
 public:
  RunningConsumer(std::unique_ptr<kafka::Consumer> consumer, Ledger* ledger) : consumer_(std::move(consumer)) {
    thread_ = std::thread([this, ledger] { consumer_->Run([ledger](const Message& m) { return ledger->Handle(m); }); });
  }
  ~RunningConsumer() {
    consumer_->Stop();
    thread_.join();
  }
  bool assigned() const { return consumer_->assigned(); }

 private:
  std::unique_ptr<kafka::Consumer> consumer_;
  std::thread thread_;
};

class ParkingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const testing::Infra& infra = testing::TestInfra();
    brokers_ = infra.kafka_brokers;
    topic_ = testing::UniqueName("parkingtest");
    group_ = testing::UniqueName("parking-group");
    ASSERT_TRUE(kafka::EnsureTopics(brokers_, {{.name = topic_, .partitions = 1}, {.name = topic_ + ".dlt"}}).ok());
    auto producer = kafka::Producer::Create({.brokers = brokers_});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port, .connections = 4});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = std::make_unique<RedisParkingStore>(redis_.get(), testing::UniqueName("parkingtest") + ".");
  }

  std::unique_ptr<RunningConsumer> Start(const std::string& topic = "") {
    auto consumer = kafka::Consumer::Create({.brokers = brokers_,
                                             .group_id = group_,
                                             .topics = {topic.empty() ? topic_ : topic},
                                             .retry_backoff = absl::Milliseconds(50),
                                             .parking = {.store = store_.get(),
                                                         .gap_patience = absl::Seconds(1),
                                                         .poll = absl::Milliseconds(100)}},
                                            producer_.get());
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    return std::make_unique<RunningConsumer>(*std::move(consumer), &ledger_);
  }

  void Produce(const std::vector<std::pair<std::string, std::string>>& records, const std::string& topic = "") {
    for (const auto& [key, value] : records) {
      ASSERT_TRUE(producer_->Produce(topic.empty() ? topic_ : topic, key, value).ok());
    }
  }

  std::optional<ParkedCase> Parked(const std::string& case_id) {
    auto found = store_->Find(group_, case_id);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  }

  // Produces a poison record of case A between good records of A and B, and waits until B's are applied.
  void ParkCaseA() {
    Produce({{"A", "poison-1"}, {"A", "a2"}, {"B", "b1"}, {"A", "a3"}, {"B", "b2"}});
    ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b2"); }, absl::Seconds(30)))
        << "records of case B stalled behind case A's poison record";
  }

  std::string brokers_;
  std::string topic_;
  std::string group_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<RedisParkingStore> store_;
  Ledger ledger_;
};

TEST_F(ParkingTest, PoisonRecordParksItsCaseWhileOtherCasesFlow) {
  auto consumer = Start();
  ParkCaseA();
  EXPECT_EQ(ledger_.AppliedOf("B"), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(ledger_.AppliedOf("A"), std::vector<std::string>{}) << "A's later records were applied over a hole";

  std::optional<ParkedCase> a = Parked("A");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->state, ParkedState::kHeld);
  EXPECT_EQ(a->records, 3);
  ASSERT_TRUE(a->head.has_value());
  EXPECT_EQ(a->head->value, "poison-1");
  EXPECT_EQ(a->head->offset, 0);
  EXPECT_TRUE(a->head_dead_lettered);
  EXPECT_NE(a->reason.find("cannot parse poison-1"), std::string::npos) << a->reason;
  EXPECT_FALSE(Parked("B").has_value());

  auto listed = store_->List(group_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].case_id, "A");
  auto groups = store_->Groups();
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(*groups, std::vector<std::string>{group_});

  kafka::KafkaMetrics& metrics = kafka::KafkaMetrics::Get();
  EXPECT_EQ(metrics.parked(group_).Value(), 3);
  EXPECT_EQ(metrics.parked_cases(group_).Value(), 1);
}

TEST_F(ParkingTest, ReleaseReappliesParkedRecordsInOrderExactlyOnce) {
  auto consumer = Start();
  ParkCaseA();
  // Released before the fix: the first record fails again and the case stays parked, nothing applied.
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kRelease).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return Parked("A").value_or(ParkedCase()).state == ParkedState::kHeld; }));
  EXPECT_EQ(Parked("A")->records, 3);
  EXPECT_EQ(ledger_.AppliedOf("A"), std::vector<std::string>{});

  ledger_.Fix();
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kRelease).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return !Parked("A").has_value(); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"poison-1", "a2", "a3"}));

  // No longer parked: the next record of A goes straight to the handler, after the replayed ones.
  Produce({{"A", "a4"}, {"B", "b3"}});
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b3"); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"poison-1", "a2", "a3", "a4"}));
  EXPECT_EQ(ledger_.MostTimesOneRecordApplied(), 1);
  EXPECT_FALSE(Parked("A").has_value());
  EXPECT_TRUE(testing::WaitFor([&] { return kafka::KafkaMetrics::Get().parked_cases(group_).Value() == 0; }));
  EXPECT_EQ(kafka::KafkaMetrics::Get().replayed(group_).Value(), 3);
}

TEST_F(ParkingTest, SkipDropsTheFirstRecordAndAppliesTheRest) {
  auto consumer = Start();
  ParkCaseA();
  EXPECT_EQ(store_->Request(group_, "B", ParkedState::kSkip).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kSkip).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return !Parked("A").has_value(); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"a2", "a3"}));
  EXPECT_EQ(ledger_.MostTimesOneRecordApplied(), 1);
}

TEST_F(ParkingTest, ReplayedRecordThatFailsKeepsTheRestParked) {
  auto consumer = Start();
  Produce({{"A", "poison-1"}, {"A", "a2"}, {"A", "poison-3"}, {"A", "a4"}, {"B", "b1"}});
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b1"); }));
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kSkip).ok());
  // a2 applies; poison-3 fails and holds the case, dead-lettered now, with a4 behind it.
  ASSERT_TRUE(testing::WaitFor([&] { return Parked("A").value_or(ParkedCase()).state == ParkedState::kHeld; }));
  std::optional<ParkedCase> a = Parked("A");
  ASSERT_TRUE(a.has_value() && a->head.has_value());
  EXPECT_EQ(a->head->value, "poison-3");
  EXPECT_TRUE(a->head_dead_lettered);
  EXPECT_EQ(a->records, 2);
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"a2"}));
}

TEST_F(ParkingTest, ParkedCaseStaysParkedAcrossARestart) {
  {
    auto consumer = Start();
    ParkCaseA();
  }
  auto consumer = Start();
  Produce({{"A", "a4"}, {"B", "b3"}});
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b3"); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), std::vector<std::string>{});
  std::optional<ParkedCase> a = Parked("A");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->records, 4);
  EXPECT_EQ(a->head->value, "poison-1");

  ledger_.Fix();
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kRelease).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return !Parked("A").has_value(); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"poison-1", "a2", "a3", "a4"}));
  EXPECT_EQ(ledger_.MostTimesOneRecordApplied(), 1);
}

TEST_F(ParkingTest, GapThatOutlastsThePatienceParksTheCaseAndHealsByItself) {
  auto consumer = Start();
  Produce({{"A", "gap"}, {"A", "a2"}, {"B", "b1"}});
  // The partition stalls for the patience (1 s) at most, then A waits parked and B flows.
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b1"); }, absl::Seconds(15)))
      << "a gap that never closes stalled the partition";
  std::optional<ParkedCase> a = Parked("A");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->state, ParkedState::kWaiting);
  EXPECT_FALSE(a->head_dead_lettered);
  EXPECT_EQ(ledger_.AppliedOf("A"), std::vector<std::string>{});

  // The earlier record arrives (e.g. another group's case was released): the waiting case replays by itself.
  ledger_.PredecessorArrived();
  ASSERT_TRUE(testing::WaitFor([&] { return !Parked("A").has_value(); }));
  EXPECT_EQ(ledger_.AppliedOf("A"), (std::vector<std::string>{"gap", "a2"}));
}

TEST_F(ParkingTest, ShortGapIsRetriedWithoutParking) {
  auto consumer = Start();
  Produce({{"A", "gap"}, {"B", "b1"}});
  std::thread arrives([&] {
    absl::SleepFor(absl::Milliseconds(300));  // The predecessor lands on another topic meanwhile.
    ledger_.PredecessorArrived();
  });
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has("B:b1"); }));
  arrives.join();
  EXPECT_EQ(ledger_.Applied(), (std::vector<std::string>{"A:gap", "B:b1"}));
  EXPECT_FALSE(Parked("A").has_value());
}

// Two members of the group; the release may be replayed by the member that does not own A's partition while the
// other keeps parking A's live records: A's records still apply in produced order, each once.
TEST_F(ParkingTest, ReleaseRacingLiveRecordsOfTheCaseKeepsTheirOrder) {
  std::string topic = testing::UniqueName("parkingtest-race");
  ASSERT_TRUE(kafka::EnsureTopics(brokers_, {{.name = topic, .partitions = 2}, {.name = topic + ".dlt"}}).ok());
  auto first = Start(topic);
  auto second = Start(topic);
  ASSERT_TRUE(testing::WaitFor([&] { return first->assigned() && second->assigned(); }));
  constexpr int kRecords = 300;
  Produce({{"A", "poison-0"}}, topic);
  ASSERT_TRUE(testing::WaitFor([&] { return Parked("A").has_value(); }));
  std::thread live([&] {
    for (int i = 1; i <= kRecords; ++i) {
      Produce({{"A", absl::StrCat("a", i)}, {absl::StrCat("C", i % 7), absl::StrCat("c", i)}}, topic);
      if (i % 50 == 0) absl::SleepFor(absl::Milliseconds(20));
    }
  });
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.AppliedOf("C1").size() >= 5; }));
  ledger_.Fix();
  ASSERT_TRUE(store_->Request(group_, "A", ParkedState::kRelease).ok());
  live.join();
  ASSERT_TRUE(testing::WaitFor([&] { return ledger_.Has(absl::StrCat("A:a", kRecords)); }, absl::Seconds(60)));
  std::vector<std::string> expected = {"poison-0"};
  for (int i = 1; i <= kRecords; ++i) expected.push_back(absl::StrCat("a", i));
  EXPECT_EQ(ledger_.AppliedOf("A"), expected);
  EXPECT_EQ(ledger_.MostTimesOneRecordApplied(), 1);
  EXPECT_FALSE(Parked("A").has_value());
}

TEST(ParkedRecordCodecTest, RoundTripsBinaryRecords) {
  Message m{.topic = "gridcase.intake.v1", .partition = 2, .offset = 41, .key = "GC-1",
            .value = std::string("a\0|b:,c", 7), .headers = {{"h", std::string("\0x", 2)}, {"", ""}},
            .timestamp_ms = 1700000000123};
  std::string entry = EncodeParkedRecord(m);
  EXPECT_EQ(entry.rfind("gridcase.intake.v1/2/41|", 0), 0u);
  auto back = DecodeParkedRecord(entry);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->topic, m.topic);
  EXPECT_EQ(back->partition, 2);
  EXPECT_EQ(back->offset, 41);
  EXPECT_EQ(back->key, m.key);
  EXPECT_EQ(back->value, m.value);
  EXPECT_EQ(back->timestamp_ms, m.timestamp_ms);
  ASSERT_EQ(back->headers.size(), 2u);
  EXPECT_EQ(back->headers[0].value, std::string("\0x", 2));
  EXPECT_FALSE(DecodeParkedRecord(entry.substr(0, entry.size() - 2)).ok());
}

}  // namespace
}  // namespace gridcase::parking
