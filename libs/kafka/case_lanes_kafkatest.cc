// Consumer::RunBatches with CaseLanes against the real broker: many cases, many versions, random failures before
// and after an effect, and a member stopped mid-run and replaced. Each case must see its versions applied one after
// another, never two of its records at once, and none may be lost by an offset stored too far.
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/kafka/case_lanes.h"
#include "libs/kafka/case_wait.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"

namespace gridcase::kafka {
namespace {

constexpr int kCases = 60;
constexpr int kVersions = 20;

// A projection in memory with the projector's rules: a version at or below the applied one is a duplicate, the next
// one applies, one further ahead waits. It fails now and then, before or after applying.
class FlakyProjection {
 public:
  absl::Status Apply(const Message& m) {
    const int version = std::stoi(m.value);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (running_[m.key]++ > 0) ++overlaps_;
    }
    absl::Status status = ApplyLocked(m.key, version);
    std::lock_guard<std::mutex> lock(mu_);
    --running_[m.key];
    return status;
  }

  int Applied(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return applied_[key];
  }
  int TotalApplied() {
    std::lock_guard<std::mutex> lock(mu_);
    int total = 0;
    for (const auto& [key, version] : applied_) total += version;
    return total;
  }
  int overlaps() {
    std::lock_guard<std::mutex> lock(mu_);
    return overlaps_;
  }
  int ahead() {
    std::lock_guard<std::mutex> lock(mu_);
    return ahead_;
  }

 private:
  absl::Status ApplyLocked(const std::string& key, int version) {
    std::lock_guard<std::mutex> lock(mu_);
    int& applied = applied_[key];
    if (version <= applied) return absl::OkStatus();
    if (version > applied + 1) {
      ++ahead_;
      return WaitForEarlierRecord(absl::StrCat(key, " at ", applied, ", got ", version));
    }
    const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
    if (roll < 15) return absl::UnavailableError("failed before the effect");
    applied = version;
    if (roll < 20) return absl::UnavailableError("failed after the effect");
    return absl::OkStatus();
  }

  std::mutex mu_;
  std::mt19937 random_{20261130};
  std::map<std::string, int> applied_;
  std::map<std::string, int> running_;
  int overlaps_ = 0;
  int ahead_ = 0;
};

TEST(CaseLanesKafkaTest, BatchesKeepEveryCaseInOrderAcrossFailuresAndAReplacedMember) {
  const std::string brokers = testing::TestInfra().kafka_brokers;
  const std::string topic = testing::UniqueName("lanes");
  ASSERT_TRUE(EnsureTopics(brokers, {{.name = topic, .partitions = 3}, {.name = topic + ".dlt"}}).ok());
  auto producer = Producer::Create({.brokers = brokers});
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (int v = 1; v <= kVersions; ++v) {
    for (int c = 0; c < kCases; ++c) {
      ASSERT_TRUE((*producer)->ProduceAsync(topic, absl::StrCat("case-", c), std::to_string(v), {}, [](absl::Status) {})
                      .ok());
    }
  }
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(20)).ok());

  FlakyProjection projection;
  const std::string group = testing::UniqueName("lanes-group");
  auto run_member = [&](std::unique_ptr<Consumer>& consumer) {
    auto created = Consumer::Create(
        {.brokers = brokers, .group_id = group, .topics = {topic}, .retry_backoff = absl::Milliseconds(20)},
        producer->get());
    ASSERT_TRUE(created.ok()) << created.status();
    consumer = *std::move(created);
  };
  CaseLanes lanes([&](const Message& m) { return projection.Apply(m); }, 8);
  auto batches = [&](absl::Span<const Message> batch) { return lanes.Handle(batch); };

  // The first member stops once about a third is applied; what it stored is all the second one starts from.
  std::unique_ptr<Consumer> first;
  run_member(first);
  ASSERT_NE(first, nullptr);
  std::thread first_thread([&] { first->RunBatches(batches, 64); });
  EXPECT_TRUE(testing::WaitFor([&] { return projection.TotalApplied() >= kCases * kVersions / 3; },
                               absl::Seconds(60)));
  first->Stop();
  first_thread.join();
  first.reset();

  std::unique_ptr<Consumer> second;
  run_member(second);
  ASSERT_NE(second, nullptr);
  std::thread second_thread([&] { second->RunBatches(batches, 64); });
  bool all = testing::WaitFor([&] { return projection.TotalApplied() == kCases * kVersions; }, absl::Seconds(90));
  second->Stop();
  second_thread.join();

  EXPECT_TRUE(all) << projection.TotalApplied() << " of " << kCases * kVersions << " versions applied";
  for (int c = 0; c < kCases; ++c) EXPECT_EQ(projection.Applied(absl::StrCat("case-", c)), kVersions) << "case-" << c;
  EXPECT_EQ(projection.overlaps(), 0) << "two records of one case were handled at once";
  EXPECT_EQ(projection.ahead(), 0) << "a record was handed over before an earlier record of its case had applied";
}

}  // namespace
}  // namespace gridcase::kafka
