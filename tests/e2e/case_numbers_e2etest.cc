// Case ids are never handed out twice, even when Redis forgets its counter: intake runs against a redis-server of the
// test's own (scripts/redis, AOF with appendfsync everysec) and the real Kafka broker; the Redis data is wiped
// (FLUSHALL) or rolled back to an older AOF across a restart, and the cases submitted afterwards must not reuse an id
// already on gridcase.intake.v1. Checked by reading the intake topic back from the start.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

// Runs scripts/redis COMMAND DIR; returns its output (the server's address for start and restart).
std::string RedisScript(const std::string& command, const std::string& dir) {
  std::string line = absl::StrCat(testing::SourcePath("scripts/redis"), " ", command, " '", dir, "' 2>&1");
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << line << ": " << out;
  return std::string(absl::StripAsciiWhitespace(out));
}

class CaseNumbersE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::BinaryPath(absl::StrCat("test-state/", testing::UniqueName("case-numbers")));
    std::filesystem::create_directories(dir_);
    redis_addr_ = RedisScript("start", dir_);
    ASSERT_FALSE(redis_addr_.empty());
    ASSERT_TRUE(fleet_.Start("intake", {absl::StrCat("--redis_addr=", redis_addr_)}).ok());
    intake_ = v1::IntakeService::NewStub(fleet_.Channel("intake"));
  }
  void TearDown() override {
    fleet_.Stop("intake");
    RedisScript("stop", dir_);
    std::filesystem::remove_all(dir_);
  }

  // Submits `count` new requests (fresh keys); returns their case ids. Retries a key while Redis comes back.
  std::vector<std::string> SubmitNew(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      v1::SubmitCaseRequest request;
      request.set_idempotency_key(testing::UniqueName("n"));
      request.set_channel(v1::CHANNEL_APP);
      request.set_text(absl::StrCat("第", ++submitted_, "件：楼下的路灯不亮了"));
      v1::SubmitCaseResponse response;
      grpc::Status status;
      bool ok = testing::WaitFor(
          [&] {
            grpc::ClientContext context;
            context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
            status = intake_->SubmitCase(&context, request, &response);
            return status.ok();
          },
          absl::Seconds(60), absl::Milliseconds(100));
      EXPECT_TRUE(ok) << status.error_message();
      if (ok) ids.push_back(response.case_id());
    }
    return ids;
  }

  // Case id → the idempotency keys whose `submitted` records carry it, read from the intake topic.
  std::map<std::string, std::set<std::string>> KeysByCaseId() {
    std::map<std::string, std::set<std::string>> keys;
    absl::Status read = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {events::Topics(fleet_.prefix()).intake()},
        [&](const kafka::Message& message) {
          v1::CaseEvent event;
          if (!event.ParseFromString(message.value)) return absl::DataLossError("not a CaseEvent");
          if (event.has_submitted()) keys[event.case_id()].insert(event.submitted().initial().idempotency_key());
          return absl::OkStatus();
        },
        absl::Seconds(60));
    EXPECT_TRUE(read.ok()) << read;
    return keys;
  }

  void ExpectNoIdReused(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    std::set<std::string> earlier(before.begin(), before.end());
    for (const std::string& id : after) EXPECT_FALSE(earlier.contains(id)) << id << " was handed out again";
    for (const auto& [case_id, keys] : KeysByCaseId()) {
      EXPECT_EQ(keys.size(), 1u) << case_id << " names " << keys.size() << " different requests on Kafka";
    }
  }

  testing::ServiceFleet fleet_{"case-numbers"};
  std::string dir_;
  std::string redis_addr_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  int submitted_ = 0;
};

TEST_F(CaseNumbersE2eTest, WipedRedisDoesNotHandOutAnIdAgain) {
  std::vector<std::string> before = SubmitNew(5);
  ASSERT_EQ(before.size(), 5u);
  auto address = config::ParseHostPort(redis_addr_, "redis");
  ASSERT_TRUE(address.ok());
  auto redis = redis::RedisClient::Create({.host = address->host, .port = address->port});
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE((*redis)->Run({"FLUSHALL"}).ok());

  std::vector<std::string> after = SubmitNew(5);
  ASSERT_EQ(after.size(), 5u);
  ExpectNoIdReused(before, after);
  // Once when the deployment numbered its first case, once after the wipe.
  EXPECT_EQ(fleet_.Metric("intake", "gridcase_intake_case_number_reseeds_total"), 2);
}

TEST_F(CaseNumbersE2eTest, RestartFromAnAofThatLostTheLastWritesDoesNotHandOutAnIdAgain) {
  std::vector<std::string> before = SubmitNew(3);
  ASSERT_EQ(before.size(), 3u);
  // The AOF as it was after these three: a clean restart writes and syncs it; keep a copy.
  ASSERT_FALSE(RedisScript("restart", dir_).empty());
  std::filesystem::path state = std::filesystem::path(dir_) / "redis";
  std::filesystem::path older = std::filesystem::path(dir_) / "older-aof";
  std::filesystem::copy(state / "appendonlydir", older, std::filesystem::copy_options::recursive);

  std::vector<std::string> lost = SubmitNew(3);  // On Kafka; about to be missing from Redis.
  ASSERT_EQ(lost.size(), 3u);
  // A crash that loses the last writes: the server comes back from the older AOF.
  RedisScript("stop", dir_);
  std::filesystem::remove_all(state / "appendonlydir");
  std::filesystem::copy(older, state / "appendonlydir", std::filesystem::copy_options::recursive);
  ASSERT_EQ(RedisScript("restart", dir_), redis_addr_);

  std::vector<std::string> after = SubmitNew(3);
  ASSERT_EQ(after.size(), 3u);
  before.insert(before.end(), lost.begin(), lost.end());
  ExpectNoIdReused(before, after);
}

}  // namespace
}  // namespace gridcase
