// notify end to end: intake, dispatch, feedback and notify as processes on the real Kafka broker and redis-server,
// with the far ends as real HTTP servers of the test (notify_receivers.h). A hotline integration gets every step of
// its cases as signed callbacks, in case order, also across an outage of its endpoint; a slow integration delays
// nobody else, parks, and is replayed; the resident gets 受理, 办结 and a rating invitation whose code rates the case;
// and notify killed while deliveries are in flight sends each SMS once and each callback with its one event id.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/e2e/notify_receivers.h"
#include "tests/support/case_calls.h"
#include "libs/auth/test_keys.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::Actor;
using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kManholeCover;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;

constexpr char kHotlineSecret[] = "hotline-secret-7f3a9c1e5b";
constexpr char kAppSecret[] = "app-secret-0d4e8b2a6f91";
constexpr char kSmsSecret[] = "sms-provider-secret-55aa";
constexpr char kPhone[] = "13712345678";

using auth::testing::ReadFile;
using auth::testing::WriteFile;

class NotifyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/", testing::UniqueName("notify-e2e"));
    std::filesystem::create_directories(dir_ + "/secrets");
    const std::string certs = absl::StrCat(testing::SourcePath("scripts/certs"), " issue ", dir_, " hotline app >/dev/null 2>&1");
    ASSERT_EQ(std::system(certs.c_str()), 0) << certs;
    WriteFile(dir_ + "/secrets/hotline", absl::StrCat(kHotlineSecret, "\n"));
    WriteFile(dir_ + "/secrets/app", kAppSecret);
    WriteFile(dir_ + "/sms.json", absl::StrCat(R"({"account": "qinghe", "secret": ")", kSmsSecret, R"("})"));
    sms_ = std::make_unique<testing::FakeSmsProvider>(kSmsSecret);
    sms_port_ = sms_->Start();
    hotline_port_ = testing::FreePort();
    hotline_ = std::make_unique<testing::FakeHotline>(dir_ + "/hotline.pem", dir_ + "/hotline.key", kHotlineSecret,
                                                      hotline_port_);
    ASSERT_TRUE(hotline_->Up());
  }

  void StartFleet(const std::string& name, const std::map<std::string, std::string>& notify_env = {}) {
    fleet_ = std::make_unique<testing::ServiceFleet>(name);
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    ASSERT_TRUE(fleet_->Start("feedback", {absl::StrCat("--dispatch_addr=127.0.0.1:", fleet_->grpc_port("dispatch")),
                                           absl::StrCat("--http_addr=127.0.0.1:", testing::FreePort()),
                                           "--settle_poll=200ms"})
                    .ok());
    ASSERT_TRUE(fleet_
                    ->Start("notify",
                            {"--secrets_dir=" + dir_ + "/secrets", "--callback_ca=" + dir_ + "/ca.pem",
                             "--callback_timeout=1s", "--feedback_timeout=1s", "--worker_lease=3s",
                             "--worker_poll=50ms", "--retry_initial=200ms", "--retry_max=1s", "--park_after=4s",
                             "--quiet_hours=00:00-00:00", "--sms_per_phone_limit=50", absl::StrCat("--sms_url=http://127.0.0.1:", sms_port_, "/sms"),
                             "--sms_credentials=" + dir_ + "/sms.json", "--push_sink=" + dir_ + "/push.jsonl"},
                            notify_env)
                    .ok());
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
    feedback_ = v1::FeedbackService::NewStub(fleet_->Channel("feedback"));
    NotifyStub();
  }

  void NotifyStub() {
    notify_ = v1::NotificationService::NewStub(
        fleet_->ChannelAs("notify", Actor(v1::ROLE_SUPERVISOR, "330199", "supervisor-1")));
  }

  void Register(const std::string& name, v1::IntegrationSource source, int port, const std::string& secret_ref) {
    v1::RegisterIntegrationRequest request;
    v1::Integration* i = request.mutable_integration();
    i->set_name(name);
    *i->mutable_source() = std::move(source);
    i->set_callback_url(absl::StrCat("https://127.0.0.1:", port, "/callbacks"));
    i->set_secret_ref(secret_ref);
    v1::RegisterIntegrationResponse response;
    grpc::ClientContext context;
    grpc::Status status = notify_->RegisterIntegration(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void RegisterHotline() {
    v1::IntegrationSource source;
    source.set_hotline_unit(testing::TestIdentity::kHotlineCentre);
    Register("hotline", source, hotline_port_, "hotline");
  }

  struct GridctlRun {
    int exit_code = -1;
    std::string out;
    std::string err;
  };

  // Runs build/tools/gridctl/gridctl with `args` against this fleet's notify, as a supervisor.
  GridctlRun Gridctl(const std::string& args) {
    std::string token = fleet_->identity().Authorization(Actor(v1::ROLE_SUPERVISOR, "330199", "supervisor-1"));
    token = token.substr(std::string("Bearer ").size());
    const std::string out = dir_ + "/gridctl.out";
    const std::string err = dir_ + "/gridctl.err";
    const std::string command =
        absl::StrCat("GRIDCASE_NOTIFY_ADDR=", fleet_->address("notify"), " GRIDCASE_TOKEN=", token, " ",
                     testing::BinaryPath("tools/gridctl/gridctl"), " ", args, " >", out, " 2>", err);
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
  }

  v1::Case Get(const std::string& case_id) { return testing::DispatchedCase(*dispatch_, case_id); }

  std::vector<v1::CaseEvent> Timeline(const std::string& case_id) { return testing::CaseTimeline(*dispatch_, case_id); }

  void Run(const std::string& case_id, const v1::Actor& actor, const v1::CaseCommandRequest& request) {
    testing::RunCommand(*dispatch_, case_id, actor, request);
  }

  std::string Submit(const std::string& text) {
    return testing::SubmitHotlineCase(*intake_, *dispatch_, "notify", text).id();
  }

  // The chain from submitted to resolved by the urban management bureau, one command after another; `before_step`
  // runs before each (the test takes the endpoint down between two of them).
  void Resolve(const std::string& id, const std::function<void(int step)>& before_step = nullptr) {
    const v1::Actor urban = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");
    std::vector<std::pair<v1::Actor, v1::CaseCommandRequest>> steps(5);
    steps[0].first = Actor(v1::ROLE_GRID_WORKER, kGrid, "p0003");
    steps[0].second.mutable_verify_grid()->set_grid_code(kGrid);
    steps[0].second.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
    steps[0].second.mutable_verify_grid()->set_catalogue_item(kManholeCover);
    steps[1].first = Actor(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1");
    steps[1].second.mutable_community_escalate()->set_reason("需要城管处置");
    steps[2].first = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1");
    steps[2].second.mutable_township_dispatch();
    steps[3].first = urban;
    steps[3].second.mutable_department_accept();
    steps[4].first = urban;
    steps[4].second.mutable_resolve()->set_reply("已更换井盖，并对周边井盖做了排查加固");
    steps[4].second.mutable_resolve()->set_contacted_resident(true);
    for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
      if (before_step) before_step(i);
      Run(id, steps[i].first, steps[i].second);
    }
    EXPECT_EQ(Get(id).status(), v1::CASE_STATUS_RESOLVED);
  }

  // Every versioned event of the case, as dispatch's timeline holds it, has been applied by `hotline`.
  bool AllApplied(const testing::FakeHotline& hotline, const std::string& case_id) {
    std::set<std::string> applied;
    for (const auto& r : hotline.applied()) applied.insert(r.event_id);
    const std::vector<v1::CaseEvent> timeline = Timeline(case_id);
    if (timeline.empty()) return false;
    for (const v1::CaseEvent& e : timeline) {
      if (!applied.contains(absl::StrCat(e.case_id(), "/", e.case_version()))) return false;
    }
    return true;
  }

  std::string RatingCodeIn(const std::string& text) {
    std::smatch match;
    static const std::regex kCode("评价码([A-Za-z0-9]+)");
    return std::regex_search(text, match, kCode) ? match[1].str() : "";
  }

  std::string dir_;
  std::unique_ptr<testing::FakeSmsProvider> sms_;
  int sms_port_ = 0;
  std::unique_ptr<testing::FakeHotline> hotline_;
  int hotline_port_ = 0;
  std::unique_ptr<testing::ServiceFleet> fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::FeedbackService::Stub> feedback_;
  std::unique_ptr<v1::NotificationService::Stub> notify_;
};

TEST_F(NotifyE2eTest, EveryStepReachesTheHotlineAndTheResident) {
  StartFleet("notify-chain");
  const absl::Time start = absl::Now() - absl::Seconds(1);
  RegisterHotline();
  // The app's front end registered an endpoint that answers slower than notify waits: it never delays the hotline.
  const int app_port = testing::FreePort();
  testing::FakeHotline app(dir_ + "/app.pem", dir_ + "/app.key", kAppSecret, app_port);
  app.set_delay(absl::Seconds(2));
  ASSERT_TRUE(app.Up());
  GridctlRun registered = Gridctl(absl::StrCat("notify register app --service app --secret_ref app --callback_url ",
                                               "https://127.0.0.1:", app_port, "/callbacks"));
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  EXPECT_NE(registered.out.find("registered integration app"), std::string::npos) << registered.out;

  // An app request: its integration's endpoint is slow; the resident's notices go by push.
  v1::SubmitCaseRequest app_request;
  app_request.set_idempotency_key(testing::UniqueName("app"));
  app_request.set_channel(v1::CHANNEL_APP);
  app_request.set_text("小区门口路灯不亮");
  app_request.mutable_resident()->set_resident_id("app-user-42");
  app_request.mutable_resident()->set_phone("13900002222");
  v1::SubmitCaseResponse app_case;
  {
    auto app_intake =
        v1::IntakeService::NewStub(fleet_->ChannelAs("intake", Actor(v1::ROLE_SYSTEM, "app", "app")));
    grpc::ClientContext context;
    grpc::Status status = app_intake->SubmitCase(&context, app_request, &app_case);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A 12345 call taken through the chain; the hotline's endpoint is down from dispatch to acceptance.
  const std::string id = Submit("人民路12号门口井盖松动，车辆经过哐哐响");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(testing::WaitFor([&] { return AllApplied(*hotline_, id); }, absl::Seconds(15)))
      << "the hotline did not get the submission while the app's endpoint hung";
  Resolve(id, [&](int step) {
    if (step == 2) hotline_->Down();
    if (step == 4) {
      // Down long enough for failed attempts (retried with backoff), not long enough to park.
      EXPECT_TRUE(testing::WaitFor(
          [&] { return fleet_->Metric("notify", "gridcase_notify_retries_total{target=\"hotline\"") >= 2; },
          absl::Seconds(10)));
      ASSERT_TRUE(hotline_->Up());
    }
  });
  ASSERT_TRUE(testing::WaitFor([&] { return AllApplied(*hotline_, id); }, absl::Seconds(20)));
  EXPECT_TRUE(hotline_->violations().empty()) << hotline_->violations().front();

  // The callbacks' contents: the resolved one carries the reply, the holder, the expected completion time.
  const v1::Case resolved = Get(id);
  nlohmann::json last = hotline_->applied().back().body;
  for (const auto& r : hotline_->applied()) {
    if (r.case_id == id && r.body["event_type"] == "resolved") last = r.body;
  }
  EXPECT_EQ(last["event_type"], "resolved");
  EXPECT_EQ(last["status"], "resolved");
  EXPECT_EQ(last["reply"], "已更换井盖，并对周边井盖做了排查加固");
  EXPECT_EQ(last["holder_unit"], resolved.holder_unit());
  EXPECT_EQ(last["request_ref"], resolved.idempotency_key());
  EXPECT_EQ(last["integration"], "hotline");
  EXPECT_TRUE(last["expected_completion_at"].is_string()) << last.dump();
  EXPECT_EQ(last["event_id"], absl::StrCat(id, "/", resolved.version()));

  // The resident: 受理, 办结, and the invitation whose code rates the case.
  const std::string resolved_at = absl::StrCat(id, "/", resolved.version());
  ASSERT_TRUE(testing::WaitFor([&] { return sms_->CountById().contains(resolved_at + "/rating"); },
                               absl::Seconds(20)));
  std::map<std::string, testing::FakeSmsProvider::Sms> by_id;
  for (const auto& sms : sms_->received()) by_id[sms.id] = sms;
  ASSERT_TRUE(by_id.contains(id + "/1/accepted"));
  EXPECT_EQ(by_id[id + "/1/accepted"].to, kPhone);
  EXPECT_NE(by_id[id + "/1/accepted"].text.find("已受理，编号" + id), std::string::npos);
  EXPECT_NE(by_id[resolved_at + "/resolved"].text.find("已办结：已更换井盖"), std::string::npos);
  const std::string code = RatingCodeIn(by_id[resolved_at + "/rating"].text);
  ASSERT_FALSE(code.empty()) << by_id[resolved_at + "/rating"].text;
  v1::RateCaseRequest rate;
  rate.set_case_id(id);
  rate.set_rating_code(code);
  rate.set_satisfaction(v1::SATISFACTION_SATISFIED);
  rate.set_problem_solved(true);
  v1::RateCaseResponse rated;
  grpc::ClientContext rate_context;
  grpc::Status rate_status = feedback_->RateCase(&rate_context, rate, &rated);
  ASSERT_TRUE(rate_status.ok()) << rate_status.error_message();
  // The rating and the closure reach the hotline too.
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Get(id).status() == v1::CASE_STATUS_CLOSED && AllApplied(*hotline_, id); }, absl::Seconds(20)));
  EXPECT_TRUE(hotline_->violations().empty());

  // The app resident got 受理 by push, recipient masked in the development sink.
  ASSERT_TRUE(testing::WaitFor(
      [&] { return ReadFile(dir_ + "/push.jsonl").find(app_case.case_id() + "/1/accepted") != std::string::npos; },
      absl::Seconds(10)));
  EXPECT_EQ(ReadFile(dir_ + "/push.jsonl").find("app-user-42"), std::string::npos);

  // The slow endpoint's delivery parked; replayed once the endpoint answers in time, signed and in order.
  v1::ListParkedResponse parked;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        v1::ListParkedRequest request;
        request.set_target("app");
        grpc::ClientContext context;
        return notify_->ListParked(&context, request, &parked).ok() && parked.deliveries_size() >= 1;
      },
      absl::Seconds(20)));
  EXPECT_EQ(parked.deliveries(0).delivery_id(), app_case.case_id() + "/1");
  EXPECT_EQ(parked.deliveries(0).state(), v1::DELIVERY_STATE_PARKED);
  EXPECT_GE(fleet_->Metric("notify", "gridcase_notify_parked_total{target=\"app\""), 1);
  // The operators' command line lists it too, and replays it; a malformed line sends nothing.
  GridctlRun listed = Gridctl("notify parked --integration app --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json listed_json = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_TRUE(listed_json.contains("deliveries")) << listed.out;
  EXPECT_EQ(listed_json["deliveries"][0]["delivery_id"], app_case.case_id() + "/1") << listed.out;
  EXPECT_EQ(listed_json["deliveries"][0]["state"], "DELIVERY_STATE_PARKED") << listed.out;
  GridctlRun table = Gridctl("notify parked");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(app_case.case_id() + "/1 "), std::string::npos) << table.out;
  EXPECT_EQ(Gridctl("notify parked --integration nobody").exit_code, 1);
  GridctlRun malformed = Gridctl("notify replay --integration app --from yesterday");
  EXPECT_EQ(malformed.exit_code, 2) << malformed.err;
  EXPECT_NE(malformed.err.find("--from: 'yesterday'"), std::string::npos) << malformed.err;
  app.set_delay(absl::ZeroDuration());
  GridctlRun replayed = Gridctl(absl::StrCat("notify replay --json --integration app --from ",
                                             absl::FormatTime(absl::RFC3339_full, start, absl::UTCTimeZone())));
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_GE(nlohmann::json::parse(replayed.out, nullptr, false).value("requeued", 0), 1) << replayed.out;
  ASSERT_TRUE(testing::WaitFor([&] { return AllApplied(app, app_case.case_id()); }, absl::Seconds(15)));
  EXPECT_TRUE(app.violations().empty()) << app.violations().front();

  // Delivered is recorded just after the receiver's answer.
  EXPECT_TRUE(testing::WaitFor(
      [&] { return Gridctl("notify parked --integration app").out == "no parked deliveries of app\n"; },
      absl::Seconds(10)));

  // Integrations come and go by the command line as well.
  ASSERT_EQ(Gridctl("notify register spare --service spare --secret_ref app --callback_url https://127.0.0.1:1/cb")
                .exit_code,
            0);
  GridctlRun integrations = Gridctl("notify integrations --json");
  ASSERT_EQ(integrations.exit_code, 0) << integrations.err;
  std::set<std::string> names;
  const nlohmann::json integrations_json = nlohmann::json::parse(integrations.out, nullptr, false);
  for (const auto& i : integrations_json.value("integrations", nlohmann::json::array())) names.insert(i["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"app", "hotline", "spare"})) << integrations.out;
  EXPECT_EQ(Gridctl("notify unregister spare").exit_code, 0);
  GridctlRun after = Gridctl("notify integrations");
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out.find("spare"), std::string::npos) << after.out;
  EXPECT_EQ(Gridctl("notify unregister spare").exit_code, 1);

  // Lag per integration is measured; the phone never reaches notify's log.
  EXPECT_GE(fleet_->Metric("notify", "gridcase_notify_delivery_lag_seconds_count{target=\"hotline\""), 6);
  EXPECT_EQ(ReadFile(fleet_->log_path("notify")).find(kPhone), std::string::npos);
  EXPECT_EQ(ReadFile(fleet_->log_path("notify")).find(kHotlineSecret), std::string::npos);
}

// notify is killed at the worst moments — after the gateway or endpoint accepted a message and before that was
// recorded, after an event's deliveries were queued and before its offset was stored — and at a random moment while
// deliveries are in flight. The resident still gets each SMS once and the hotline each event once, in order.
TEST_F(NotifyE2eTest, KilledWhileDeliveringSendsEachStepOnce) {
  sms_->set_delay(absl::Milliseconds(120));
  hotline_->set_delay(absl::Milliseconds(20));
  StartFleet("notify-kill", {{"GRIDCASE_CRASH_AT", "notify.after_send:4"}});
  RegisterHotline();
  int kills = 0;
  // Restarts notify after it died; a crash point may kill it again before it serves.
  auto revive = [&](const std::string& crash_at) {
    ASSERT_TRUE(fleet_->WaitExited("notify", absl::Seconds(60))) << "notify never reached its crash point";
    ++kills;
    for (int i = 0; i < 5; ++i) {
      if (fleet_->Restart("notify", {{"GRIDCASE_CRASH_AT", crash_at}}).ok()) break;
    }
    ASSERT_TRUE(fleet_->Running("notify"));
    NotifyStub();
  };

  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(Submit(absl::StrCat("文一路", i, "号人行道井盖破损")));
  revive("notify.after_send:3,notify.after_enqueue:7");
  for (int i = 0; i < 3; ++i) Resolve(ids[i]);
  revive("notify.after_enqueue:2");
  for (int i = 3; i < 5; ++i) Resolve(ids[i]);
  revive("");
  // And a kill at no particular moment, with deliveries queued behind the slow SMS provider.
  for (int i = 0; i < 4; ++i) ids.push_back(Submit(absl::StrCat("学院路", i, "号井盖缺角")));
  fleet_->Kill("notify");
  ++kills;
  ASSERT_TRUE(fleet_->Restart("notify").ok());

  std::set<std::string> expected_sms;
  for (size_t i = 0; i < ids.size(); ++i) {
    expected_sms.insert(ids[i] + "/1/accepted");
    if (i < 5) {
      const std::string at = absl::StrCat(ids[i], "/", Get(ids[i]).version());
      expected_sms.insert(at + "/resolved");
      expected_sms.insert(at + "/rating");
    }
  }
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::map<std::string, int> counts = sms_->CountById();
        for (const std::string& id : expected_sms) {
          if (!counts.contains(id)) return false;
        }
        for (const std::string& id : ids) {
          if (!AllApplied(*hotline_, id)) return false;
        }
        return true;
      },
      absl::Seconds(60)));

  // Each SMS once, as the resident's phone sees it.
  std::map<std::string, int> counts = sms_->CountById();
  EXPECT_EQ(counts.size(), expected_sms.size());
  for (const auto& [id, count] : counts) {
    EXPECT_TRUE(expected_sms.contains(id)) << id;
    EXPECT_EQ(count, 1) << "SMS " << id << " reached the resident " << count << " times";
  }
  // Each callback applied once, in case order, signed; a repeat carried the same event id and bytes.
  EXPECT_TRUE(hotline_->violations().empty()) << hotline_->violations().front();
  std::map<std::string, int> applied;
  for (const auto& r : hotline_->applied()) ++applied[r.event_id];
  for (const auto& [event_id, n] : applied) EXPECT_EQ(n, 1) << event_id;
  // The kills hit deliveries in flight: attempts were left in doubt and looked up.
  EXPECT_GE(kills, 4);
  EXPECT_GE(sms_->lookups() + static_cast<int>(hotline_->repeats().size()), 1);
  std::cout << "kills=" << kills << " sms=" << counts.size() << " sms_lookups=" << sms_->lookups()
            << " callbacks=" << applied.size() << " callback_repeats=" << hotline_->repeats().size() << "\n";
}

}  // namespace
}  // namespace gridcase
