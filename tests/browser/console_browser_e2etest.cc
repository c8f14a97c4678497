// The web console in a real browser. The service binaries (intake, dispatch, sla with a short policy, feedback and
// the console) run on the test run's Kafka broker and redis-server; console_test.py drives Debian's Chromium through
// Playwright as a grid worker, a community, a township dispatcher, a department handler and a supervisor, takes a
// case through the chain by clicking, watches a breach arrive live on the supervisor board and saves a screenshot of
// each page under build/test-artifacts/console/. This test then reads the case back over gRPC.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/test_keys.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kTownship;

constexpr char kWaterUtility[] = "330199.swjt";  // water.leak by the catalogue.
constexpr char kCounty[] = "330199";
constexpr char kOtherGrid[] = "330199001001002";

// The Python that has Playwright: $GRIDCASE_PLAYWRIGHT_PYTHON, else the virtual environment scripts/setup-deps makes.
std::string PlaywrightPython() {
  if (const char* python = std::getenv("GRIDCASE_PLAYWRIGHT_PYTHON"); python != nullptr && *python != '\0') {
    return python;
  }
  const char* cache = std::getenv("GRIDCASE_CACHE");
  const char* home = std::getenv("HOME");
  std::string dir = cache != nullptr ? cache : absl::StrCat(home != nullptr ? home : "/root", "/.cache/gridcase");
  return dir + "/venv/bin/python";
}

std::string Token(const testing::ServiceFleet& fleet, v1::Role role, const std::string& unit,
                  const std::string& person) {
  std::string authorization = fleet.identity().Authorization(role, unit, person);
  return authorization.substr(std::string("Bearer ").size());
}

// Submits a 12345 call at the sample grid with `catalogue_item` and waits until dispatch shows it.
std::string Submit(testing::ServiceFleet& fleet, const std::string& stem, const std::string& text,
                   const std::string& catalogue_item) {
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(testing::UniqueName(stem));
  request.set_channel(v1::CHANNEL_HOTLINE_12345);
  request.set_title(text.substr(0, text.find("，")));
  request.set_text(text);
  request.mutable_resident()->set_name("王秀英");
  request.mutable_resident()->set_phone("13712345678");
  request.mutable_point()->set_lat(30.2525);
  request.mutable_point()->set_lng(120.152);
  request.set_address("翠苑小区3幢东侧");
  request.set_catalogue_item(catalogue_item);
  request.add_media_urls("https://img.example.cn/2026/11/30/photo-1.jpg");
  v1::SubmitCaseResponse response;
  grpc::ClientContext context;
  grpc::Status status = intake->SubmitCase(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*dispatch, response.case_id()).version() >= 1; }));
  return response.case_id();
}

using auth::testing::ReadFile;

TEST(ConsoleBrowserTest, EveryRoleWorksTheChainAndTheBoardSeesABreachLive) {
  const std::string python = PlaywrightPython();
  ASSERT_TRUE(std::filesystem::exists(python))
      << python << " is missing: scripts/setup-deps installs Playwright for Python there";
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium")) << "Debian's chromium is missing: run scripts/setup-deps";

  testing::ServiceFleet fleet("console");
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  ASSERT_TRUE(fleet.Start("sla", {"--sla_policy=" + testing::SourcePath("tests/browser/sla-policy-browser.json"),
                                  "--timer_poll=50ms"})
                  .ok());
  ASSERT_TRUE(fleet.Start("feedback", {absl::StrCat("--dispatch_addr=", fleet.address("dispatch"))}).ok());
  const int console_port = testing::FreePort();
  ASSERT_TRUE(fleet.Start("console", {absl::StrCat("--console_addr=127.0.0.1:", console_port),
                                      "--registry=" + testing::SourcePath("data/registry/sample-county.json"),
                                      "--web_dir=" + testing::SourcePath("services/console/web"),
                                      absl::StrCat("--intake_addr=", fleet.address("intake")),
                                      absl::StrCat("--dispatch_addr=", fleet.address("dispatch")),
                                      absl::StrCat("--sla_addr=", fleet.address("sla")),
                                      absl::StrCat("--feedback_addr=", fleet.address("feedback"))})
                  .ok());

  // The chain's case (一般, two hours to complete) and the case that breaches while the board watches (简单, 45 s).
  const std::string chain_case = Submit(fleet, "console-chain",
                                        "翠苑小区3幢东侧供水管漏水，路面积水结冰，请尽快维修", "water.leak");
  const std::string breach_case =
      Submit(fleet, "console-breach", "翠苑小区南门路灯不亮，夜间出行不便", "municipal.street-light");
  ASSERT_FALSE(chain_case.empty());
  ASSERT_FALSE(breach_case.empty());

  const std::string artifacts = testing::BinaryPath("test-artifacts/console");
  std::filesystem::create_directories(artifacts);
  nlohmann::json config;
  config["url"] = absl::StrCat("http://127.0.0.1:", console_port);
  config["artifacts"] = artifacts;
  config["chain_case"] = chain_case;
  config["breach_case"] = breach_case;
  config["tokens"] = {
      {"grid_worker", Token(fleet, v1::ROLE_GRID_WORKER, kGrid, "p0001")},
      {"other_grid_worker", Token(fleet, v1::ROLE_GRID_WORKER, kOtherGrid, "p0002")},
      {"community", Token(fleet, v1::ROLE_COMMUNITY, kCommunity, "c-cuiyuan-01")},
      {"township_dispatcher", Token(fleet, v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-qingbo-01")},
      {"department_handler", Token(fleet, v1::ROLE_DEPARTMENT_HANDLER, kWaterUtility, "d-swjt-01")},
      {"supervisor", Token(fleet, v1::ROLE_SUPERVISOR, kCounty, "s-county-01")},
  };
  const std::string config_path = absl::StrCat(artifacts, "/run.json");
  std::ofstream(config_path) << config.dump(2);

  const std::string log_path = absl::StrCat(artifacts, "/console_test.log");
  std::filesystem::remove(log_path);
  auto browser = testing::ChildProcess::Start(
      python, {"-u", testing::SourcePath("tests/browser/console_test.py"), config_path}, {}, log_path);
  ASSERT_TRUE(browser.ok()) << browser.status();
  const absl::Time deadline = absl::Now() + absl::Minutes(3);
  while ((*browser)->running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(200));
  const bool finished = !(*browser)->running();
  const int status = (*browser)->Terminate();
  const std::string log = ReadFile(log_path);
  ASSERT_TRUE(finished) << "the browser test ran past 3 minutes:\n" << log;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "console_test.py failed:\n" << log;

  // What the clicks did, as dispatch records it: resolved by the water utility with the reply typed in the browser;
  // the breached case was escalated by the supervisor's 督办.
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  v1::Case resolved = testing::DispatchedCase(*dispatch, chain_case);
  EXPECT_EQ(resolved.status(), v1::CASE_STATUS_RESOLVED) << resolved.DebugString();
  EXPECT_EQ(resolved.department_code(), kWaterUtility);
  EXPECT_TRUE(absl::StrContains(resolved.resolution_reply(), "已更换破裂管段")) << resolved.resolution_reply();
  v1::Case escalated = testing::DispatchedCase(*dispatch, breach_case);
  EXPECT_EQ(escalated.level(), v1::LEVEL_COUNTY) << escalated.DebugString();
}

}  // namespace
}  // namespace gridcase
