// Intake, dispatch and feedback follow their registry file without a restart: SIGHUP and a changed file reload it, and an invalid file is
// refused with its error logged while the registry already loaded keeps serving.
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using nlohmann::json;

constexpr char kFirstGrid[] = "330199001001001";   // 翠苑社区第1网格, holds the point below.
constexpr char kSecondGrid[] = "330199001001002";  // 翠苑社区第2网格, which the new compound is added to.
constexpr char kNewCompound[] = "云栖新苑";          // A compound the registry does not know yet.
constexpr char kTownship[] = "330199001";
constexpr char kTownshipName[] = "清波街道";
constexpr char kTownshipRenamed[] = "清波新城街道";
constexpr char kFailed[] = "gridcase_file_reloads_total{file=\"registry\",outcome=\"failed\"";
constexpr char kReloaded[] = "gridcase_file_reloads_total{file=\"registry\",outcome=\"reloaded\"";

class RegistryReloadE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/" + testing::UniqueName("registry") + ".json";
    std::ifstream in(testing::SourcePath("data/registry/sample-county.json"));
    sample_ = json::parse(in);
    Write(sample_);
    fleet_ = std::make_unique<testing::ServiceFleet>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    fleet_.reset();
    std::remove(path_.c_str());
  }

  // Dispatch, intake and feedback over the same registry file.
  void StartServices(const std::string& poll) {
    const std::vector<std::string> args = {"--registry=" + path_, "--registry_poll=" + poll};
    ASSERT_TRUE(fleet_->Start("dispatch", args).ok());
    ASSERT_TRUE(fleet_->Start("intake", args).ok());
    std::vector<std::string> feedback_args = args;
    feedback_args.push_back("--dispatch_addr=127.0.0.1:" + std::to_string(fleet_->grpc_port("dispatch")));
    ASSERT_TRUE(fleet_->Start("feedback", feedback_args).ok());
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    feedback_ = v1::FeedbackService::NewStub(fleet_->Channel("feedback"));
  }

  // Replaces the file as an editor or a ConfigMap update does: written beside it, renamed over it.
  void Write(const json& document) {
    const std::string next = path_ + ".next";
    std::ofstream(next, std::ios::trunc) << document.dump(1);
    ASSERT_EQ(std::rename(next.c_str(), path_.c_str()), 0);
  }

  // The registry with a new compound in the second grid and the township renamed.
  json WithNewCompound() const {
    json document = sample_;
    for (json& grid : document["grids"]) {
      if (grid["code"] == kSecondGrid) grid["place_names"].push_back(kNewCompound);
    }
    for (json& township : document["townships"]) {
      if (township["code"] == kTownship) township["name"] = kTownshipRenamed;
    }
    return document;
  }

  void SignalAll(int signal) {
    for (const char* service : {"intake", "dispatch", "feedback"}) fleet_->Signal(service, signal);
  }

  bool AllCounted(const std::string& series, double count) {
    for (const char* service : {"intake", "dispatch", "feedback"}) {
      if (fleet_->Metric(service, series) != count) return false;
    }
    return true;
  }

  // The township's name as feedback's report for it today gives it.
  std::string ReportedTownshipName() {
    absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
    v1::GetReportRequest request;
    request.set_from(absl::StrFormat("%04d-%02d-%02d", today.year(), today.month(), today.day()));
    absl::CivilDay tomorrow = today + 1;
    request.set_to(absl::StrFormat("%04d-%02d-%02d", tomorrow.year(), tomorrow.month(), tomorrow.day()));
    request.set_area(kTownship);
    v1::GetReportResponse response;
    grpc::ClientContext context;
    grpc::Status status = feedback_->GetReport(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.report().area_name();
  }

  v1::SubmitCaseResponse Submit(const std::string& text, const std::string& address, bool with_point = false) {
    v1::SubmitCaseRequest request;
    request.set_idempotency_key(testing::UniqueName("reload"));
    request.set_channel(v1::CHANNEL_APP);
    request.set_text(text);
    request.set_address(address);
    request.mutable_resident()->set_phone("13612345678");
    if (with_point) {
      request.mutable_point()->set_lat(30.2525);
      request.mutable_point()->set_lng(120.152);
    }
    v1::SubmitCaseResponse response;
    grpc::ClientContext context;
    grpc::Status status = intake_->SubmitCase(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::string Log() const {
    std::ifstream in(fleet_->log_path("intake"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string path_;
  json sample_;
  std::unique_ptr<testing::ServiceFleet> fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::FeedbackService::Stub> feedback_;
};

TEST_F(RegistryReloadE2eTest, SighupReloadsAndAnInvalidFileKeepsTheOldRegistry) {
  StartServices("0s");
  v1::SubmitCaseResponse before = Submit("云栖新苑3幢门口路灯坏了", std::string(kNewCompound) + "3幢门口");
  EXPECT_TRUE(before.needs_manual_grid()) << "the compound is not in the registry yet";

  json broken = WithNewCompound();
  broken["grids"][5]["community_code"] = "330199001999";
  Write(broken);
  SignalAll(SIGHUP);
  ASSERT_TRUE(testing::WaitFor([&] { return AllCounted(kFailed, 1); })) << Log();
  EXPECT_NE(Log().find("grids[5].community_code"), std::string::npos) << "the log names the bad field";
  // Still serving from the registry it had: the point is located, the unknown compound is still unknown.
  EXPECT_EQ(Submit("小区门口路灯不亮，晚上很黑", "", /*with_point=*/true).grid_code(), kFirstGrid);
  EXPECT_TRUE(Submit("云栖新苑5幢楼道灯不亮", std::string(kNewCompound) + "5幢").needs_manual_grid());
  EXPECT_EQ(ReportedTownshipName(), kTownshipName);

  Write(WithNewCompound());
  SignalAll(SIGHUP);
  ASSERT_TRUE(testing::WaitFor([&] { return AllCounted(kReloaded, 1); })) << Log();
  EXPECT_EQ(ReportedTownshipName(), kTownshipRenamed);
  v1::SubmitCaseResponse after = Submit("云栖新苑8幢垃圾没人清运", std::string(kNewCompound) + "8幢");
  EXPECT_FALSE(after.needs_manual_grid());
  EXPECT_EQ(after.grid_code(), kSecondGrid);
  EXPECT_EQ(Submit("门口垃圾桶满了好几天没人清运", "", /*with_point=*/true).grid_code(), kFirstGrid);
}

TEST_F(RegistryReloadE2eTest, AChangedFileIsPickedUpWithoutASignal) {
  StartServices("100ms");
  EXPECT_TRUE(Submit("云栖新苑2幢电梯停了", std::string(kNewCompound) + "2幢").needs_manual_grid());
  Write(WithNewCompound());
  ASSERT_TRUE(testing::WaitFor([&] { return AllCounted(kReloaded, 1); })) << Log();
  EXPECT_EQ(ReportedTownshipName(), kTownshipRenamed);
  EXPECT_EQ(Submit("云栖新苑6幢门口积水", std::string(kNewCompound) + "6幢").grid_code(), kSecondGrid);
  EXPECT_TRUE(AllCounted(kFailed, 0));
}

}  // namespace
}  // namespace gridcase
