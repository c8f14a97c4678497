// The 六单联办 chain end to end: intake and dispatch as processes on the real Kafka broker and redis-server; a case
// goes through every stage to resolved (with a transfer, a return and an approved extension), handlers' mistakes are
// refused with the documented codes, redelivery changes nothing and a rebuild from Kafka gives identical projections.
#include <cstdio>
#include <map>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/support/audit_run.h"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::kGrid;
using testing::sample::kCommunity;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;
using testing::sample::kHousing;
using testing::sample::Actor;


// Every dispatch projection key under a prefix, with its content, for before/after comparisons.
std::map<std::string, std::string> Snapshot(redis::RedisClient& redis, const std::string& prefix) {
  std::map<std::string, std::string> out;
  std::string cursor = "0";
  do {
    auto page = redis.Run({"SCAN", cursor, "MATCH", prefix + "dispatch:*", "COUNT", "1000"});
    EXPECT_TRUE(page.ok());
    cursor = page->elements[0].str;
    for (const auto& key : page->elements[1].elements) {
      // Version claims and request ids are the commands' bookkeeping, not projections.
      if (key.str.find("dispatch:claim") != std::string::npos) continue;
      if (key.str.find("dispatch:request:") != std::string::npos) continue;
      auto type = redis.Run({"TYPE", key.str});
      std::string content = type->str + ":";
      redis::Command read;
      if (type->str == "hash") read = {"HGETALL", key.str};
      if (type->str == "list") read = {"LRANGE", key.str, "0", "-1"};
      if (type->str == "zset") read = {"ZRANGE", key.str, "0", "-1", "WITHSCORES"};
      auto value = redis.Run(read);
      std::vector<std::string> parts;
      for (const auto& e : value->elements) parts.push_back(e.str);
      if (type->str == "hash") {
        std::map<std::string, std::string> sorted;
        for (size_t i = 0; i + 1 < parts.size(); i += 2) sorted[parts[i]] = parts[i + 1];
        for (const auto& [k, v] : sorted) content += k + "=" + v + ";";
      } else {
        for (const auto& p : parts) content += p + ";";
      }
      out[key.str.substr(prefix.size())] = content;
    }
  } while (cursor != "0");
  return out;
}

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_ = std::make_unique<testing::ServiceFleet>("chain");
    // Offsets are committed only at a clean close, so a SIGKILL redelivers everything.
    ASSERT_TRUE(fleet_->Start("dispatch", {"--kafka_consumer_props=auto.commit.interval.ms=600000"}).ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    Connect();
    const auto& infra = testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(redis.ok());
    redis_ = *std::move(redis);
  }

  // Whatever the test did (kills and redeliveries included), the log and the projections keep their invariants.
  void TearDown() override {
    if (fleet_ == nullptr || HasFatalFailure()) return;
    testing::AuditRun audit = testing::RunGridcaseAudit(fleet_->prefix(), fleet_->prefix(), true, {"--settle=30s"});
    EXPECT_EQ(audit.exit_code, 0) << audit.output;
  }

  void Connect() {
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  }

  std::string Submit(const std::string& text) {
    return testing::SubmitHotlineCase(*intake_, *dispatch_, "chain", text).id();
  }

  v1::Case Get(const std::string& case_id) { return testing::DispatchedCase(*dispatch_, case_id); }

  // Runs a command at the case's current version.
  grpc::Status Run(const std::string& case_id, const v1::Actor& actor, v1::CaseCommandRequest request,
                   v1::CaseCommandResponse* response = nullptr, std::optional<int64_t> version = std::nullopt) {
    request.set_case_id(case_id);
    request.set_expected_version(version.value_or(Get(case_id).version()));
    *request.mutable_actor() = actor;
    request.set_request_id(testing::UniqueName("req"));
    v1::CaseCommandResponse ignored;
    grpc::ClientContext context;
    return dispatch_->ExecuteCommand(&context, request, response ? response : &ignored);
  }

  // Records dispatch's stage consumers have handled since it started (its /metrics).
  int ConsumedTotal() {
    std::string command = "curl -sf http://127.0.0.1:" + std::to_string(fleet_->metrics_port("dispatch")) +
                          "/metrics | awk '/^gridcase_kafka_records_consumed_total/ {s += $2} END {print s + 0}'";
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[64] = {0};
    if (fgets(buffer, sizeof(buffer), pipe) == nullptr) buffer[0] = 0;
    pclose(pipe);
    return std::atoi(buffer);
  }

  std::unique_ptr<testing::ServiceFleet> fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<redis::RedisClient> redis_;
};

TEST_F(ChainTest, CaseGoesThroughEveryStageWithTransferReturnAndExtension) {
  const std::string id = Submit("人民路12号门口井盖松动，车辆经过哐哐响");
  const v1::Actor grid_worker = Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001");
  const v1::Actor community = Actor(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1");
  const v1::Actor township = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1");
  const v1::Actor urban = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");
  const v1::Actor housing = Actor(v1::ROLE_DEPARTMENT_HANDLER, kHousing, "zjj-handler-1");

  v1::CaseCommandRequest verify;
  verify.mutable_verify_grid()->set_grid_code(kGrid);
  verify.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  verify.mutable_verify_grid()->set_catalogue_item("municipal.manhole-cover");
  v1::CaseCommandResponse response;
  ASSERT_TRUE(Run(id, grid_worker, verify, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_AWAITING_COMMUNITY);

  // The community's work queue holds it now.
  {
    grpc::ClientContext context;
    v1::ListQueueRequest request;
    request.set_unit_code(kCommunity);
    v1::ListQueueResponse queue;
    ASSERT_TRUE(dispatch_->ListQueue(&context, request, &queue).ok());
    bool found = false;
    for (const auto& c : queue.cases()) found |= c.id() == id;
    EXPECT_TRUE(found);
  }

  v1::CaseCommandRequest escalate;
  escalate.mutable_community_escalate()->set_reason("需要城管执法");
  ASSERT_TRUE(Run(id, community, escalate, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_AWAITING_DISPATCH);

  v1::CaseCommandRequest by_catalogue;
  by_catalogue.mutable_township_dispatch();  // 直派 by the dispatch catalogue.
  ASSERT_TRUE(Run(id, township, by_catalogue, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(response.case_().department_code(), kUrbanManagement);

  v1::CaseCommandRequest transfer;
  transfer.mutable_department_transfer()->set_to_department_code(kHousing);
  transfer.mutable_department_transfer()->set_reason("井盖属小区物业设施，归住建监管");
  ASSERT_TRUE(Run(id, urban, transfer, &response).ok());
  EXPECT_EQ(response.case_().department_code(), kHousing);

  v1::CaseCommandRequest give_back;
  give_back.mutable_department_return()->set_reason("经核实为市政井盖，非我局职责");
  ASSERT_TRUE(Run(id, housing, give_back, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_AWAITING_DISPATCH);

  v1::CaseCommandRequest manual;
  manual.mutable_township_dispatch()->set_department_code(kUrbanManagement);
  manual.mutable_township_dispatch()->set_note("市政井盖，由城管处置");
  ASSERT_TRUE(Run(id, township, manual, &response).ok());

  v1::CaseCommandRequest accept;
  accept.mutable_department_accept();
  ASSERT_TRUE(Run(id, urban, accept, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_IN_PROGRESS);

  v1::CaseCommandRequest extension;
  extension.mutable_request_extension()->mutable_extra()->set_seconds(2 * 86400);
  extension.mutable_request_extension()->set_reason("需订购同规格井盖");
  ASSERT_TRUE(Run(id, urban, extension, &response).ok());
  v1::CaseCommandRequest approve;
  approve.mutable_decide_extension()->set_approved(true);
  approve.mutable_decide_extension()->mutable_extra()->set_seconds(2 * 86400);
  ASSERT_TRUE(Run(id, township, approve, &response).ok());

  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("已更换新井盖并加固，已电话回复市民");
  resolve.mutable_resolve()->set_contacted_resident(true);
  ASSERT_TRUE(Run(id, urban, resolve, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(response.case_().version(), 11);

  grpc::ClientContext context;
  v1::GetCaseTimelineRequest timeline_request;
  timeline_request.set_case_id(id);
  v1::CaseTimeline timeline;
  ASSERT_TRUE(dispatch_->GetCaseTimeline(&context, timeline_request, &timeline).ok());
  std::vector<std::string> steps;
  for (int i = 0; i < timeline.events_size(); ++i) {
    EXPECT_EQ(timeline.events(i).case_version(), i + 1);
    steps.push_back(v1::CaseEvent::descriptor()->FindFieldByNumber(timeline.events(i).payload_case())->name());
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"submitted", "grid_verified", "community_escalated",
                                             "township_dispatched", "department_transferred", "department_returned",
                                             "township_dispatched", "department_accepted", "extension_requested",
                                             "extension_decided", "resolved"}));
  EXPECT_TRUE(timeline.next_page_token().empty());

  // The same history in pages of four: 4 + 4 + 3 events, the last page without a token.
  std::vector<int64_t> paged;
  timeline_request.set_page_size(4);
  for (int pages = 1;; ++pages) {
    grpc::ClientContext page_context;
    v1::CaseTimeline page;
    ASSERT_TRUE(dispatch_->GetCaseTimeline(&page_context, timeline_request, &page).ok());
    EXPECT_EQ(page.events_size(), pages < 3 ? 4 : 3);
    for (const v1::CaseEvent& event : page.events()) paged.push_back(event.case_version());
    if (page.next_page_token().empty()) break;
    ASSERT_LT(pages, 3);
    timeline_request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(paged, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  grpc::ClientContext too_big;
  timeline_request.set_page_size(1001);
  EXPECT_EQ(dispatch_->GetCaseTimeline(&too_big, timeline_request, &timeline).error_message(),
            "page_size: must be within 0..1000");
}

TEST_F(ChainTest, EmergencySkipsLevelsStraightToTheTownshipAndDepartment) {
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(testing::UniqueName("emergency"));
  request.set_channel(v1::CHANNEL_HOTLINE_12345);
  request.set_text("紫荆小区5幢楼道闻到很浓的煤气味，怀疑燃气泄漏");
  request.mutable_point()->set_lat(30.2525);
  request.mutable_point()->set_lng(120.152);
  v1::SubmitCaseResponse submitted;
  grpc::ClientContext context;
  ASSERT_TRUE(intake_->SubmitCase(&context, request, &submitted).ok());
  ASSERT_TRUE(submitted.emergency());
  const std::string id = submitted.case_id();
  ASSERT_TRUE(testing::WaitFor([&] { return Get(id).version() == 1; }));

  // The township command dispatches it at once: no grid verification, no community step (平急结合).
  v1::CaseCommandRequest dispatch_now;
  dispatch_now.mutable_township_dispatch()->set_note("紧急：燃气泄漏");
  v1::CaseCommandResponse response;
  grpc::Status status = Run(id, Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-duty"), dispatch_now, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_DISPATCHED);
  const std::string gas = response.case_().department_code();
  EXPECT_EQ(gas, "330199.rqgs");
  v1::CaseCommandRequest accept;
  accept.mutable_department_accept();
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_DEPARTMENT_HANDLER, gas, "rq-1"), accept).ok());
  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("抢修人员20分钟到场，关阀检修，已排除泄漏");
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_DEPARTMENT_HANDLER, gas, "rq-1"), resolve, &response).ok());
  EXPECT_EQ(response.case_().status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(response.case_().version(), 4) << "submitted, dispatched, accepted, resolved";
}

TEST_F(ChainTest, RefusesStaleVersionsWrongStatesAndOutsiders) {
  const std::string id = Submit("小区路灯不亮");
  v1::CaseCommandRequest verify;
  verify.mutable_verify_grid()->set_grid_code(kGrid);
  ASSERT_TRUE(Run(id, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001"), verify).ok());

  v1::CaseCommandRequest escalate;
  escalate.mutable_community_escalate()->set_reason("需上报");
  grpc::Status stale = Run(id, Actor(v1::ROLE_COMMUNITY, kCommunity, "c1"), escalate, nullptr, 1);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED) << stale.error_message();

  grpc::Status outsider = Run(id, Actor(v1::ROLE_COMMUNITY, "330199002001", "c9"), escalate);
  EXPECT_EQ(outsider.error_code(), grpc::StatusCode::PERMISSION_DENIED) << outsider.error_message();

  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("已处理");
  grpc::Status early = Run(id, Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "h1"), resolve);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find("AWAITING_COMMUNITY"), std::string::npos) << early.error_message();

  v1::CaseCommandRequest no_reason;
  no_reason.mutable_community_escalate();
  grpc::Status missing = Run(id, Actor(v1::ROLE_COMMUNITY, kCommunity, "c1"), no_reason);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.error_message().rfind("reason", 0), 0u) << missing.error_message();
  EXPECT_EQ(Get(id).version(), 2) << "refused commands must not change the case";
}

TEST_F(ChainTest, RedeliveryChangesNothingAndRebuildFromKafkaIsIdentical) {
  const std::string first = Submit("楼道堆放杂物堵塞消防通道");
  const std::string second = Submit("公园健身器材损坏");
  v1::CaseCommandRequest verify;
  verify.mutable_verify_grid()->set_grid_code(kGrid);
  ASSERT_TRUE(Run(first, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001"), verify).ok());
  ASSERT_TRUE(Run(second, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001"), verify).ok());
  v1::CaseCommandRequest locally;
  locally.mutable_community_handle_locally()->set_note("社区网格员协调清理");
  ASSERT_TRUE(Run(first, Actor(v1::ROLE_COMMUNITY, kCommunity, "c1"), locally).ok());

  // 5 events were published: 2 submitted, 2 grid_verified, 1 community_handled_locally. Wait until the stage
  // consumers have seen them all (the command path applied the commands' events already).
  ASSERT_TRUE(testing::WaitFor([&] { return ConsumedTotal() >= 5; }, absl::Seconds(60)));
  std::map<std::string, std::string> before = Snapshot(*redis_, fleet_->prefix());
  ASSERT_FALSE(before.empty());

  // Crash before any commit: the restarted consumers get every event again.
  fleet_->Kill("dispatch");
  ASSERT_TRUE(fleet_->Start("dispatch", {"--kafka_consumer_props=auto.commit.interval.ms=600000"}).ok());
  Connect();
  ASSERT_TRUE(testing::WaitFor([&] { return ConsumedTotal() >= 5; }, absl::Seconds(60)));
  EXPECT_EQ(Snapshot(*redis_, fleet_->prefix()), before) << "redelivered events changed a projection";

  // Rebuild into a fresh prefix and compare with the live projections.
  const auto& infra = testing::TestInfra();
  std::string target = fleet_->prefix() + "rebuilt.";
  std::string command = testing::BinaryPath("services/dispatch/dispatch-rebuild") +
                        " --kafka_brokers=" + infra.kafka_brokers + " --redis_addr=" + infra.redis_addr +
                        " --topic_prefix=" + fleet_->prefix() + " --redis_prefix=" + fleet_->prefix() +
                        " --target_prefix=" + target + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("compared 2 cases"), std::string::npos) << output;
  EXPECT_NE(output.find("identical"), std::string::npos) << output;

  // Drop the live projections, rebuild them in place from Kafka: identical to before.
  fleet_->Stop("dispatch");
  for (const auto& [key, content] : before) ASSERT_TRUE(redis_->Run({"DEL", fleet_->prefix() + key}).ok());
  ASSERT_TRUE(Snapshot(*redis_, fleet_->prefix()).empty());
  std::string in_place = testing::BinaryPath("services/dispatch/dispatch-rebuild") +
                         " --kafka_brokers=" + infra.kafka_brokers + " --redis_addr=" + infra.redis_addr +
                         " --topic_prefix=" + fleet_->prefix() + " --redis_prefix=unused." +
                         " --target_prefix=" + fleet_->prefix() + " --compare=false > /dev/null 2>&1";
  ASSERT_EQ(std::system(in_place.c_str()), 0);
  EXPECT_EQ(Snapshot(*redis_, fleet_->prefix()), before);
}

}  // namespace
}  // namespace gridcase
