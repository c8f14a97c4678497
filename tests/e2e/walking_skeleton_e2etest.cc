// A case submitted over gRPC is carried by the real Kafka broker, projected into the real Redis by dispatch, and read
// back over gRPC; intake and dispatch run as separate processes.
#include <atomic>
#include <cstdlib>
#include <thread>

#include <unistd.h>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/consumer.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::ServiceFleet;

class WalkingSkeletonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new ServiceFleet("skeleton");
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(fleet_, nullptr);
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  }

  static v1::SubmitCaseRequest Request(const std::string& key) {
    v1::SubmitCaseRequest r;
    r.set_idempotency_key(key);
    r.set_channel(v1::CHANNEL_HOTLINE_12345);
    r.set_title("井盖丢失");
    r.set_text("幸福里小区3号楼东侧井盖丢失，夜间有人踩空的危险");
    r.mutable_resident()->set_name("王女士");
    r.mutable_resident()->set_phone("13912345678");
    // No location: these tests are about transport and idempotency, and an unlocated request is never linked to
    // another as a duplicate.
    return r;
  }

  grpc::Status Submit(const v1::SubmitCaseRequest& request, v1::SubmitCaseResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return intake_->SubmitCase(&context, request, response);
  }

  // Waits until dispatch's projection has the case (GetCase on dispatch answers), and returns it.
  std::optional<v1::Case> WaitProjected(const std::string& case_id) {
    v1::Case found;
    bool ok = testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::GetCaseRequest request;
      request.set_case_id(case_id);
      return dispatch_->GetCase(&context, request, &found).ok();
    });
    if (!ok) return std::nullopt;
    return found;
  }

  // Every record on the intake topic for `case_id`, read from the beginning by a fresh consumer group.
  std::vector<v1::CaseEvent> EventsOnIntakeTopic(const std::string& case_id, size_t at_least) {
    events::Topics topics(fleet_->prefix());
    auto consumer = kafka::Consumer::Create({.brokers = testing::TestInfra().kafka_brokers,
                                             .group_id = testing::UniqueName("skeleton-reader"),
                                             .topics = {topics.intake()}},
                                            nullptr);
    EXPECT_TRUE(consumer.ok());
    std::vector<v1::CaseEvent> found;
    // Reads until 20 s pass, or 2 s after the expected count arrived, so an unexpected extra record is seen too.
    int64_t deadline = absl::ToUnixMillis(absl::Now() + absl::Seconds(20));
    std::atomic<int64_t> settle{deadline};
    std::thread stopper([&] {
      while (absl::ToUnixMillis(absl::Now()) < settle.load()) absl::SleepFor(absl::Milliseconds(50));
      (*consumer)->Stop();
    });
    (*consumer)->Run([&](const kafka::Message& m) {
      auto event = events::ParseEvent(m.value);
      if (event.ok() && event->case_id() == case_id) found.push_back(*event);
      if (found.size() >= at_least) {
        settle = std::min(settle.load(), absl::ToUnixMillis(absl::Now() + absl::Seconds(2)));
      }
      return absl::OkStatus();
    });
    stopper.join();
    return found;
  }

  static ServiceFleet* fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
};

ServiceFleet* WalkingSkeletonTest::fleet_ = nullptr;

TEST_F(WalkingSkeletonTest, SubmittedCaseIsProjectedAndReadBack) {
  v1::SubmitCaseResponse response;
  ASSERT_TRUE(Submit(Request(testing::UniqueName("call")), &response).ok());
  ASSERT_FALSE(response.case_id().empty());
  EXPECT_FALSE(response.duplicate_submit());

  std::optional<v1::Case> projected = WaitProjected(response.case_id());
  ASSERT_TRUE(projected.has_value()) << "dispatch never projected " << response.case_id();
  EXPECT_EQ(projected->status(), v1::CASE_STATUS_SUBMITTED);
  EXPECT_EQ(projected->version(), 1);
  EXPECT_EQ(projected->text(), "幸福里小区3号楼东侧井盖丢失，夜间有人踩空的危险");
  EXPECT_EQ(projected->resident().phone(), "13912345678");

  grpc::ClientContext context;
  v1::GetCaseRequest get;
  get.set_case_id(response.case_id());
  v1::Case via_intake;
  ASSERT_TRUE(intake_->GetCase(&context, get, &via_intake).ok());
  EXPECT_EQ(via_intake.SerializeAsString(), projected->SerializeAsString());

  grpc::ClientContext timeline_context;
  v1::GetCaseTimelineRequest timeline_request;
  timeline_request.set_case_id(response.case_id());
  v1::CaseTimeline timeline;
  ASSERT_TRUE(dispatch_->GetCaseTimeline(&timeline_context, timeline_request, &timeline).ok());
  ASSERT_EQ(timeline.events_size(), 1);
  EXPECT_TRUE(timeline.events(0).has_submitted());
}

TEST_F(WalkingSkeletonTest, ResubmitWithSameKeyReturnsSameCaseAndNoSecondEvent) {
  std::string key = testing::UniqueName("call");
  v1::SubmitCaseResponse first;
  v1::SubmitCaseResponse second;
  ASSERT_TRUE(Submit(Request(key), &first).ok());
  ASSERT_TRUE(Submit(Request(key), &second).ok());
  EXPECT_EQ(first.case_id(), second.case_id());
  EXPECT_TRUE(second.duplicate_submit());
  ASSERT_TRUE(WaitProjected(first.case_id()).has_value());

  std::vector<v1::CaseEvent> events = EventsOnIntakeTopic(first.case_id(), 1);
  EXPECT_EQ(events.size(), 1u) << "a repeated submit must not publish a second event";
}

struct BadRequest {
  std::string name;
  std::function<void(v1::SubmitCaseRequest&)> spoil;
  std::string field;
};

class SubmitValidationTest : public WalkingSkeletonTest, public ::testing::WithParamInterface<BadRequest> {};

TEST_P(SubmitValidationTest, BadInputIsInvalidArgumentNamingTheFieldAndCreatesNothing) {
  std::string key = testing::UniqueName("bad");
  v1::SubmitCaseRequest request = Request(key);
  GetParam().spoil(request);
  v1::SubmitCaseResponse response;
  grpc::Status status = Submit(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind(GetParam().field + ":", 0), 0u) << status.error_message();

  // Nothing was reserved: the same key with good input creates a fresh case, version 1.
  v1::SubmitCaseResponse good;
  ASSERT_TRUE(Submit(Request(key), &good).ok());
  EXPECT_FALSE(good.duplicate_submit());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, SubmitValidationTest,
    ::testing::Values(BadRequest{"EmptyText", [](auto& r) { r.set_text(""); }, "text"},
                      BadRequest{"InvalidUtf8", [](auto& r) { r.set_text("\xE4\xBA"); }, "text"},
                      BadRequest{"Latitude", [](auto& r) { r.mutable_point()->set_lat(-90.01); }, "point.lat"},
                      BadRequest{"Longitude", [](auto& r) { r.mutable_point()->set_lng(200); }, "point.lng"}),
    [](const auto& info) { return info.param.name; });

// Runs a command and returns its standard output (empty on failure).
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string Grpcurl(int port, const std::string& args) {
  const char* home = std::getenv("HOME");
  std::string cached = std::string(home ? home : "") + "/.cache/gridcase/bin/grpcurl";
  std::string binary = access(cached.c_str(), X_OK) == 0 ? cached : "grpcurl";
  return Capture(binary + " -plaintext " + args.substr(0, args.find(' ')) + " 127.0.0.1:" + std::to_string(port) +
                 args.substr(args.find(' ')) + " 2>&1");
}

TEST_F(WalkingSkeletonTest, StandardClientListsAndDescribesServicesByReflection) {
  for (const auto& [service, full_name] : {std::pair<std::string, std::string>{"intake", "gridcase.v1.IntakeService"},
                                           {"dispatch", "gridcase.v1.DispatchService"}}) {
    int port = fleet_->grpc_port(service);
    std::string listed = Grpcurl(port, "-max-time=10 list");
    EXPECT_NE(listed.find(full_name), std::string::npos) << listed;
    EXPECT_NE(listed.find("grpc.health.v1.Health"), std::string::npos) << listed;
    EXPECT_NE(listed.find("grpc.reflection.v1alpha.ServerReflection"), std::string::npos) << listed;
    std::string described = Grpcurl(port, "-max-time=10 describe " + full_name);
    EXPECT_NE(described.find("rpc GetCase"), std::string::npos) << described;
    std::string health = Grpcurl(port, "-max-time=10 grpc.health.v1.Health/Check");
    EXPECT_NE(health.find("\"SERVING\""), std::string::npos) << health;
  }
  std::string message = Grpcurl(fleet_->grpc_port("intake"), "-max-time=10 describe gridcase.v1.CaseEvent");
  EXPECT_NE(message.find("township_dispatched"), std::string::npos) << message;
}

TEST_F(WalkingSkeletonTest, MetricsEndpointServesPrometheusText) {
  std::string command = "curl -sf http://127.0.0.1:" + std::to_string(fleet_->metrics_port("intake")) +
                        "/metrics | grep -q gridcase_intake_submissions_total";
  EXPECT_EQ(std::system(command.c_str()), 0);
}

}  // namespace
}  // namespace gridcase
