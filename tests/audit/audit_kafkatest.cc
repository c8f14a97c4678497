// gridcase-audit against real topics and a real Redis: a clean history passes, a forked one fails naming the fork, a
// gap is named, a case left behind by its projection is stuck unless parked, and --settle waits for a projection
// catching up.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/events/codec.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/keys.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/kafka/topic_reader.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/projector.h"
#include "services/dispatch/rebuild.h"
#include "tests/support/audit_run.h"

namespace gridcase::audit {
namespace {

using testing::AuditRun;

class AuditKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const testing::Infra& infra = testing::TestInfra();
    brokers_ = infra.kafka_brokers;
    topic_prefix_ = testing::UniqueName("audit") + ".";
    redis_prefix_ = testing::UniqueName("audit") + ".";
    topics_ = events::Topics(topic_prefix_);
    ASSERT_TRUE(kafka::EnsureTopics(brokers_, events::TopicSpecs(topics_, 2, {.factor = 1, .min_insync = 1})).ok());
    auto producer = kafka::Producer::Create({.brokers = brokers_, .client_id = "audit-kafkatest"});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
    publisher_ = std::make_unique<events::KafkaEventPublisher>(producer_.get(), topics_);
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  v1::CaseEvent Event(const std::string& case_id, int64_t version) {
    v1::CaseEvent event;
    event.set_case_id(case_id);
    event.set_case_version(version);
    event.set_event_id(absl::StrCat(case_id, "/", version));
    event.mutable_occurred_at()->set_seconds(1795000000 + version * 60);
    event.mutable_actor()->set_role(v1::ROLE_SYSTEM);
    return event;
  }
  v1::CaseEvent Submitted(const std::string& case_id) {
    v1::CaseEvent event = Event(case_id, 1);
    v1::Case& initial = *event.mutable_submitted()->mutable_initial();
    initial.set_id(case_id);
    initial.set_text("幸福里小区3号楼东侧井盖丢失");
    initial.mutable_location()->set_grid_code("330199001001001");
    return event;
  }
  v1::CaseEvent Verified(const std::string& case_id) {
    v1::CaseEvent event = Event(case_id, 2);
    v1::GridVerified& p = *event.mutable_grid_verified();
    p.set_grid_code("330199001001001");
    p.set_community_code("330199001001");
    p.set_township_code("330199001");
    return event;
  }
  v1::CaseEvent CoRequester(const std::string& case_id, int64_t version) {
    v1::CaseEvent event = Event(case_id, version);
    event.mutable_co_requester_added()->mutable_resident()->set_name("李先生");
    event.mutable_co_requester_added()->set_request_ref(absl::StrCat("12345-", version));
    return event;
  }
  v1::CaseEvent Invalid(const std::string& case_id, int64_t version) {
    v1::CaseEvent event = Event(case_id, version);
    event.mutable_grid_marked_invalid()->set_reason("not a public matter");
    return event;
  }
  v1::CaseEvent Alarm(const std::string& case_id) {
    v1::CaseEvent event;
    event.set_case_id(case_id);
    event.set_event_id(case_id + "/sla/completion/1/warn50");
    event.mutable_occurred_at()->set_seconds(1795000500);
    event.mutable_sla_warned()->set_percent(50);
    event.mutable_sla_warned()->set_cycle(1);
    return event;
  }

  void Publish(const v1::CaseEvent& event) { ASSERT_TRUE(publisher_->Publish(event).ok()) << event.event_id(); }

  // A case through grid verification plus one co-requester, with an SLA warning.
  void CleanCase(const std::string& id) {
    Publish(Submitted(id));
    Publish(Verified(id));
    Publish(CoRequester(id, 3));
    Publish(Alarm(id));
  }

  // The live projections, as dispatch's consumers leave them once they have caught up with the log.
  void ProjectLog() {
    auto report = dispatch::RebuildProjections(brokers_, topics_, redis_.get(), events::Keys(redis_prefix_));
    ASSERT_TRUE(report.ok()) << report.status();
  }

  AuditRun RunAudit(const std::vector<std::string>& extra = {}, const std::string& log_path = "/dev/null") {
    return testing::RunGridcaseAudit(topic_prefix_, redis_prefix_, /*json=*/false, extra, log_path);
  }

  nlohmann::json RunAuditJson(int expected_exit, const std::vector<std::string>& extra = {},
                              const std::string& log_path = "/dev/null") {
    AuditRun run = testing::RunGridcaseAudit(topic_prefix_, redis_prefix_, /*json=*/true, extra, log_path);
    EXPECT_EQ(run.exit_code, expected_exit) << run.output;
    EXPECT_TRUE(run.summary.is_object()) << run.output;
    return run.summary;
  }

  std::string brokers_;
  std::string topic_prefix_;
  std::string redis_prefix_;
  events::Topics topics_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<events::KafkaEventPublisher> publisher_;
  std::unique_ptr<redis::RedisClient> redis_;
};

TEST_F(AuditKafkaTest, ACleanHistoryPassesWithCopiesAndPoisonReportedOnly) {
  CleanCase("GC-20261123-000001");
  CleanCase("GC-20261123-000002");
  // A retry after a crash wrote version 2 of the second case again, byte for byte.
  Publish(Verified("GC-20261123-000002"));
  // A record that is not a case event, and its dead letter as a consumer writes it.
  ASSERT_TRUE(producer_->Produce(topics_.intake(), "GC-20261123-000001", "garbage").ok());
  int poison_partition = -1;
  int64_t poison_offset = -1;
  ASSERT_TRUE(kafka::ReadTopics(brokers_, {topics_.intake()}, [&](const kafka::Message& m) {
                if (m.value == "garbage") {
                  poison_partition = m.partition;
                  poison_offset = m.offset;
                }
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(producer_->Produce(topics_.intake() + ".dlt", "GC-20261123-000001", "garbage",
                                 {{"gridcase-dlt-reason", "DATA_LOSS: not a CaseEvent"},
                                  {"gridcase-dlt-topic", topics_.intake()},
                                  {"gridcase-dlt-partition", absl::StrCat(poison_partition)},
                                  {"gridcase-dlt-offset", absl::StrCat(poison_offset)}})
                  .ok());
  ProjectLog();

  nlohmann::json j = RunAuditJson(0);
  EXPECT_TRUE(j["ok"]) << j.dump();
  EXPECT_EQ(j["topics"], 7);
  EXPECT_EQ(j["cases"], 2);
  EXPECT_EQ(j["versions"], 6);
  EXPECT_EQ(j["records"], 10);
  EXPECT_EQ(j["forks"], 0);
  EXPECT_EQ(j["gaps"], 0);
  EXPECT_EQ(j["duplicate_copies"], 1);
  EXPECT_EQ(j["projection_differences"], 0);
  EXPECT_EQ(j["cases_compared"], 2);
  EXPECT_EQ(j["stuck"], 0);
  EXPECT_EQ(j["alarms"], 2);
  EXPECT_EQ(j["alarm_duplicates"], 0);
  EXPECT_EQ(j["poison"], 1);
  EXPECT_EQ(j["poison_dead_lettered"], 1);
  EXPECT_EQ(j["dead_letter_records"], 1);
  // The scratch projections are gone.
  auto left = redis_->Run({"KEYS", redis_prefix_ + "audit.*"});
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->elements.empty());

  // The text summary says the same.
  AuditRun text = RunAudit();
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("forks: 0"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("result: OK"), std::string::npos) << text.output;
}

TEST_F(AuditKafkaTest, AForkedHistoryFailsNamingTheFork) {
  CleanCase("GC-20261123-000001");
  Publish(Submitted("GC-20261123-000002"));
  Publish(Verified("GC-20261123-000002"));
  // Two writers both took version 3: one linked a co-requester (intake topic), one marked the case invalid.
  Publish(CoRequester("GC-20261123-000002", 3));
  Publish(Invalid("GC-20261123-000002", 3));
  ProjectLog();

  nlohmann::json j = RunAuditJson(1);
  EXPECT_FALSE(j["ok"]);
  EXPECT_EQ(j["forks"], 1);
  ASSERT_EQ(j["findings"]["forks"].size(), 1u) << j.dump();
  const nlohmann::json& fork = j["findings"]["forks"][0];
  EXPECT_EQ(fork["case_id"], "GC-20261123-000002");
  EXPECT_EQ(fork["version"], 3);
  std::set<std::string> types;
  for (const nlohmann::json& v : fork["variants"]) types.insert(v["type"].get<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"co_requester_added", "grid_marked_invalid"}));
  EXPECT_EQ(j["gaps"], 0);
  EXPECT_EQ(j["stuck"], 0);

  AuditRun text = RunAudit();
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("fork: GC-20261123-000002 version 3: "), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("result: VIOLATED"), std::string::npos) << text.output;
}

TEST_F(AuditKafkaTest, AGapIsReportedAndTheProjectionsAreStillCompared) {
  CleanCase("GC-20261123-000001");
  Publish(Submitted("GC-20261123-000002"));
  Publish(Verified("GC-20261123-000002"));
  Publish(CoRequester("GC-20261123-000002", 4));  // Version 3 never written.
  ProjectLog();  // The rebuild, like the live projector, stops the case before the gap.

  nlohmann::json j = RunAuditJson(1);
  EXPECT_EQ(j["gaps"], 1) << j.dump();
  EXPECT_EQ(j["findings"]["gaps"][0]["case_id"], "GC-20261123-000002");
  EXPECT_EQ(j["findings"]["gaps"][0]["missing"], nlohmann::json::array({3}));
  EXPECT_EQ(j["projection_error"], "");
  EXPECT_EQ(j["projection_differences"], 0);
  EXPECT_EQ(j["cases_compared"], 2);
  ASSERT_EQ(j["stuck"], 1);
  EXPECT_EQ(j["findings"]["stuck"][0]["projected"], 2);
  EXPECT_EQ(j["findings"]["stuck"][0]["logged"], 4);
  EXPECT_EQ(j["forks"], 0);
}

TEST_F(AuditKafkaTest, AProjectionBehindTheLogIsStuckUnlessParkedAndSettleWaitsForIt) {
  CleanCase("GC-20261123-000001");
  CleanCase("GC-20261123-000002");
  ProjectLog();
  // Version 4 of the second case is in the log but not projected (its consumer has not got to it).
  v1::CaseEvent pending = CoRequester("GC-20261123-000002", 4);
  Publish(pending);

  nlohmann::json stuck = RunAuditJson(1);
  ASSERT_EQ(stuck["stuck"], 1) << stuck.dump();
  EXPECT_EQ(stuck["findings"]["stuck"][0]["case_id"], "GC-20261123-000002");
  EXPECT_EQ(stuck["findings"]["stuck"][0]["projected"], 3);
  EXPECT_EQ(stuck["findings"]["stuck"][0]["logged"], 4);
  EXPECT_GE(stuck["projection_differences"], 1);

  // Parked by the parking store: reported on its own line, not a violation.
  const std::string parked_key = redis_prefix_ + "parking:cases:{dispatch-projector}";
  ASSERT_TRUE(redis_->Run({"ZADD", parked_key, "1", "GC-20261123-000002"}).ok());
  nlohmann::json parked = RunAuditJson(0);
  EXPECT_EQ(parked["stuck"], 0) << parked.dump();
  EXPECT_EQ(parked["parked"], 1);
  EXPECT_EQ(parked["projection_differences"], 0);
  EXPECT_EQ(parked["findings"]["parked"][0]["case_id"], "GC-20261123-000002");
  ASSERT_TRUE(redis_->Run({"DEL", parked_key}).ok());

  // The consumer catches up once the audit has found the case behind and is settling.
  std::string log_path = testing::BinaryPath(absl::StrCat("test-logs/", redis_prefix_, "audit.log"));
  std::filesystem::create_directories(testing::BinaryPath("test-logs"));
  std::filesystem::remove(log_path);
  std::thread consumer([&] {
    bool settling = testing::WaitFor(
        [&] {
          std::ifstream log(log_path);
          std::stringstream text;
          text << log.rdbuf();
          return text.str().find("msg=audit_settling") != std::string::npos;
        },
        absl::Seconds(60), absl::Milliseconds(50));
    EXPECT_TRUE(settling);
    dispatch::RedisProjectionStore store(redis_.get(), events::Keys(redis_prefix_));
    dispatch::Projector projector(&store);
    auto outcome = projector.Project(pending);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
  });
  nlohmann::json settled = RunAuditJson(0, {"--settle=90s", "--log_level=info"}, log_path);
  consumer.join();
  EXPECT_EQ(settled["stuck"], 0) << settled.dump();
  EXPECT_GE(settled["rounds"], 2);
}

}  // namespace
}  // namespace gridcase::audit
