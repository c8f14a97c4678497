// The chain with Kafka and Redis reached only over their secured endpoints: intake, dispatch and sla as processes
// talking SASL_SSL (SCRAM-SHA-512, the broker's certificate checked against the local CA) to the broker and going to
// a TLS-only redis-server through the local stunnel tunnel as its ACL user. A case goes from the hotline to
// resolved, its events are on Kafka, its projection is in the secured Redis only, and the audit (run over the same
// secured endpoints) finds every invariant holding.
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/config/runtime_config.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/audit_run.h"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::Actor;
using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;

class SecureInfraTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(secure_.kafka_brokers.empty()) << "no secured endpoints in the test infrastructure";
    fleet_ = std::make_unique<testing::ServiceFleet>("secure");
    fleet_->set_secure_infra(true);
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    ASSERT_TRUE(fleet_->Start("sla").ok());
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  }

  grpc::Status Run(const std::string& case_id, const v1::Actor& actor, v1::CaseCommandRequest request) {
    request.set_case_id(case_id);
    request.set_expected_version(testing::DispatchedCase(*dispatch_, case_id).version());
    *request.mutable_actor() = actor;
    request.set_request_id(testing::UniqueName("req"));
    v1::CaseCommandResponse response;
    grpc::ClientContext context;
    return dispatch_->ExecuteCommand(&context, request, &response);
  }

  // The number of keys under the fleet's prefix on a Redis server.
  static int64_t KeysUnderPrefix(redis::RedisClient& redis, const std::string& prefix) {
    int64_t count = 0;
    std::string cursor = "0";
    do {
      auto page = redis.Run({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return -1;
      cursor = page->elements[0].str;
      count += static_cast<int64_t>(page->elements[1].elements.size());
    } while (cursor != "0");
    return count;
  }

  const testing::SecureInfra& secure_ = testing::TestInfra().secure;
  std::unique_ptr<testing::ServiceFleet> fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
};

TEST_F(SecureInfraTest, ACaseGoesThroughTheChainOverSecuredKafkaAndRedis) {
  const std::string id =
      testing::SubmitHotlineCase(*intake_, *dispatch_, "secure", "人民路12号门口井盖松动，车辆经过哐哐响").id();
  ASSERT_FALSE(id.empty());

  v1::CaseCommandRequest verify;
  verify.mutable_verify_grid()->set_grid_code(kGrid);
  verify.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  verify.mutable_verify_grid()->set_catalogue_item("municipal.manhole-cover");
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001"), verify).ok());
  v1::CaseCommandRequest escalate;
  escalate.mutable_community_escalate()->set_reason("需要城管执法");
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1"), escalate).ok());
  v1::CaseCommandRequest dispatch;
  dispatch.mutable_township_dispatch();
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1"), dispatch).ok());
  const v1::Actor urban = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");
  v1::CaseCommandRequest accept;
  accept.mutable_department_accept();
  ASSERT_TRUE(Run(id, urban, accept).ok());
  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("已更换新井盖并加固，已电话回复市民");
  resolve.mutable_resolve()->set_contacted_resident(true);
  grpc::Status resolved = Run(id, urban, resolve);
  ASSERT_TRUE(resolved.ok()) << resolved.error_message();
  v1::Case projected;
  ASSERT_TRUE(testing::WaitFor([&] {
    projected = testing::DispatchedCase(*dispatch_, id);
    return projected.status() == v1::CASE_STATUS_RESOLVED;
  }));
  EXPECT_EQ(projected.version(), 6);

  // The case's events, read back over SASL_SSL.
  auto password = config::ReadSecretFile(secure_.kafka_password_file, "kafka password");
  ASSERT_TRUE(password.ok()) << password.status();
  const kafka::Cluster cluster(secure_.kafka_brokers, {{"security.protocol", "sasl_ssl"},
                                                       {"ssl.ca.location", secure_.ca},
                                                       {"sasl.mechanisms", "SCRAM-SHA-512"},
                                                       {"sasl.username", secure_.kafka_user},
                                                       {"sasl.password", *password}});
  std::set<int64_t> versions;
  ASSERT_TRUE(kafka::ReadTopics(cluster, events::Topics(fleet_->prefix()).CaseTopics(), [&](const kafka::Message& m) {
                auto event = events::ParseEvent(m.value);
                if (event.ok() && event->case_id() == id && event->case_version() > 0) {
                  versions.insert(event->case_version());
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(versions, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));

  // Dispatch and sla wrote their projections to the secured Redis, and nothing to the plaintext one.
  auto secured = redis::RedisClient::Create({.host = secure_.redis.host,
                                             .port = secure_.redis.port,
                                             .user = secure_.redis_user,
                                             .password = *config::ReadSecretFile(secure_.redis_password_file, "r")});
  ASSERT_TRUE(secured.ok()) << secured.status();
  EXPECT_GT(KeysUnderPrefix(**secured, fleet_->prefix()), 0);
  const testing::Infra& plain = testing::TestInfra();
  auto plaintext = redis::RedisClient::Create({.host = plain.redis.host, .port = plain.redis.port});
  ASSERT_TRUE(plaintext.ok()) << plaintext.status();
  EXPECT_EQ(KeysUnderPrefix(**plaintext, fleet_->prefix()), 0);

  // The audit tool reads Kafka and rebuilds into Redis over the same secured endpoints.
  std::vector<std::string> audit_flags = testing::SecureInfraFlags(plain);
  audit_flags.push_back("--settle=30s");
  testing::AuditRun audit = testing::RunGridcaseAudit(fleet_->prefix(), fleet_->prefix(), true, audit_flags);
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST_F(SecureInfraTest, AServiceWithAWrongRedisPasswordStopsNamingTheFlag) {
  const std::string wrong = absl::StrCat(std::getenv("GRIDCASE_BINARY_DIR"), "/", testing::UniqueName("wrong"));
  std::ofstream(wrong) << "not-the-password\n";
  EXPECT_FALSE(fleet_->Start("dispatch#wrong", {"--redis_password_file=" + wrong}).ok());
  EXPECT_TRUE(fleet_->WaitExited("dispatch#wrong", absl::Seconds(30)));
  std::ifstream log(fleet_->log_path("dispatch#wrong"));
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  std::remove(wrong.c_str());
  EXPECT_NE(text.find("--redis_password_file"), std::string::npos) << text;
  EXPECT_EQ(text.find("not-the-password"), std::string::npos);
}

}  // namespace
}  // namespace gridcase
