// gridctl, the built binary, against the real intake, dispatch, sla and feedback (ServiceFleet), Kafka broker and
// redis-server: every subcommand once as an operator or a script would run it (exit code, --json output) and once
// with input the service or the tool must refuse. The SLA service runs the short test policy (completion clocks of
// 20 s), so a case breaches within the test.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/testing/identity.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using nlohmann::json;
using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  json parsed;  // stdout's last line as JSON, when it is JSON.
};

std::string Quote(const std::string& word) {
  return absl::StrCat("'", absl::StrReplaceAll(word, {{"'", "'\\''"}}), "'");
}

class GridctlE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("gridctl");
    ASSERT_TRUE(fleet_->Start("dispatch", {"--parking_poll=200ms"}).ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    const std::string policy = testing::SourcePath("services/sla/testdata/sla-policy-short.json");
    ASSERT_TRUE(fleet_->Start("sla", {"--sla_policy=" + policy, "--timer_poll=50ms"}).ok());
    ASSERT_TRUE(fleet_->Start("feedback", {absl::StrCat("--dispatch_addr=127.0.0.1:", fleet_->grpc_port("dispatch")),
                                           "--registry=" + testing::SourcePath("data/registry/sample-county.json"),
                                           "--parking_poll=200ms"})
                    .ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }

  // The token of a person acting as `role` for `unit`.
  static std::string TokenOf(v1::Role role, const std::string& unit, const std::string& person) {
    return fleet_->identity().Authorization(role, unit, person);
  }
  static std::string Operator() {
    return TokenOf(v1::ROLE_HOTLINE_OPERATOR, testing::TestIdentity::kHotlineCentre, "op-1");
  }
  static std::string Supervisor() { return TokenOf(v1::ROLE_SUPERVISOR, "330199", "sup-1"); }

  // Runs build/tools/gridctl/gridctl with `args`, the services' addresses in GRIDCASE_*_ADDR, the Kafka and Redis
  // of the fleet in GRIDCASE_KAFKA_BROKERS, _REDIS_ADDR, _TOPIC_PREFIX, _REDIS_PREFIX, and `token` in GRIDCASE_TOKEN.
  // Its stderr is read from `err_path` (a fresh file when empty), which a test may watch while it runs.
  static Result Gridctl(const std::vector<std::string>& args, const std::string& token = "",
                        const std::string& err_path = "") {
    const testing::Infra& infra = testing::TestInfra();
    std::string env;
    for (const std::string service : {"intake", "dispatch", "sla", "feedback"}) {
      absl::StrAppend(&env, "GRIDCASE_", absl::AsciiStrToUpper(service), "_ADDR=", fleet_->address(service), " ");
    }
    absl::StrAppend(&env, "GRIDCASE_KAFKA_BROKERS=", Quote(infra.kafka_brokers), " GRIDCASE_REDIS_ADDR=",
                    Quote(infra.redis_addr), " GRIDCASE_TOPIC_PREFIX=", Quote(fleet_->prefix()),
                    " GRIDCASE_REDIS_PREFIX=", Quote(fleet_->prefix()));
    return RunWithEnv(env, args, token, err_path);
  }

  // Runs gridctl with only `env` (VAR=value words) and `token` in GRIDCASE_TOKEN set for it.
  static Result RunWithEnv(const std::string& env, const std::vector<std::string>& args, const std::string& token,
                           std::string err_path = "") {
    std::string command = absl::StrCat(env, " GRIDCASE_TOKEN=", Quote(token), " ",
                                       testing::BinaryPath("tools/gridctl/gridctl"));
    for (const std::string& arg : args) absl::StrAppend(&command, " ", Quote(arg));
    if (err_path.empty()) err_path = StderrPath();
    absl::StrAppend(&command, " 2>", err_path);
    Result result;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    std::filesystem::remove(err_path);
    std::string last = result.out;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    if (size_t nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
    result.parsed = json::parse(last, nullptr, false);
    return result;
  }

  static std::string StderrPath() {
    return testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "gridctl-stderr-",
                                            absl::ToUnixNanos(absl::Now())));
  }

  // Submits a 12345 call through gridctl and waits until dispatch shows the case; returns its id.
  static std::string SubmitCase(const std::string& text) {
    Result submitted = Gridctl({"submit", "--json", "--text", text, "--name", "王女士", "--phone", "13912345678",
                                "--lat", "30.2525", "--lng", "120.152", "--address", "幸福里小区3号楼",
                                "--idempotency_key", testing::UniqueName("gridctl-submit")},
                               Operator());
    EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
    std::string id = submitted.parsed.is_object() ? submitted.parsed.value("case_id", "") : "";
    EXPECT_FALSE(id.empty()) << submitted.out;
    EXPECT_TRUE(testing::WaitFor([&] { return Gridctl({"get", id}, Supervisor()).exit_code == 0; }))
        << "dispatch never showed " << id;
    return id;
  }

  static testing::ServiceFleet* fleet_;
};

testing::ServiceFleet* GridctlE2eTest::fleet_ = nullptr;

std::string Line(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  size_t start = text.rfind('\n', at);
  size_t end = text.find('\n', at);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
}

// First, while no other case's clock runs: the case's warnings and breach arrive live on `overdue --watch`, then
// `overdue` lists its breached clock.
TEST_F(GridctlE2eTest, OverdueWatchesAlertsLiveAndListsBreachedClocks) {
  Result watch;
  const std::string watch_err = StderrPath();
  std::thread watcher([&] {
    watch = Gridctl({"overdue", "--watch", "--json", "--area", kTownship, "--count", "3", "--for", "60s"},
                    Supervisor(), watch_err);
  });
  // The watch is registered once it printed its banner (after the stream's initial metadata): submit then, so that
  // no alert can fire before it.
  bool registered = testing::WaitFor([&] {
    std::ifstream err(watch_err);
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    return text.find("watching") != std::string::npos;
  });
  const std::string id = registered ? SubmitCase("翠苑社区路灯不亮") : "";
  watcher.join();
  ASSERT_TRUE(registered) << watch.err;
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  EXPECT_NE(watch.err.find("watching warnings and breaches in 330199001"), std::string::npos) << watch.err;
  std::vector<std::string> kinds;
  for (const std::string& line : std::vector<std::string>(absl::StrSplit(watch.out, '\n', absl::SkipEmpty()))) {
    json alert = json::parse(line, nullptr, false);
    ASSERT_TRUE(alert.is_object()) << line;
    EXPECT_EQ(alert["case_id"], id) << line;
    kinds.push_back(alert["event"].contains("sla_breached") ? "breach" : "warning");
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"warning", "warning", "breach"})) << watch.out;

  Result listed = Gridctl({"overdue", "--json", "--area", kTownship}, Supervisor());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  ASSERT_EQ(listed.parsed["clocks"].size(), 1u) << listed.out;
  EXPECT_EQ(listed.parsed["clocks"][0]["case_id"], id);
  EXPECT_EQ(listed.parsed["clocks"][0]["clock"], "CLOCK_KIND_COMPLETION");
  Result table = Gridctl({"overdue", "--area", kTownship}, Supervisor());
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(Line(table.out, id).find("completion"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1 overdue clocks"), std::string::npos) << table.out;

  // Bad input: an unknown level (usage, 2); no token (denied, 4); no SLA service at the address (unavailable, 3).
  EXPECT_EQ(Gridctl({"overdue", "--level", "moon"}, Supervisor()).exit_code, 2);
  Result anonymous = Gridctl({"overdue", "--json"});
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.out << anonymous.err;
  EXPECT_EQ(anonymous.parsed["error"]["code"], "UNAUTHENTICATED") << anonymous.out;
  Result away = Gridctl({"overdue", "--watch", "--sla_addr", absl::StrCat("127.0.0.1:", testing::FreePort())},
                        Supervisor());
  EXPECT_EQ(away.exit_code, 3) << away.err;
  EXPECT_NE(away.err.find("check --sla_addr"), std::string::npos) << away.err;
}

TEST_F(GridctlE2eTest, SubmitGetAndTimeline) {
  const std::string key = testing::UniqueName("gridctl-key");
  Result submitted = Gridctl({"submit", "--json", "--text", "幸福里小区3号楼东侧井盖丢失", "--lat", "30.2525", "--lng",
                              "120.152", "--idempotency_key", key},
                             Operator());
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = submitted.parsed["case_id"];
  EXPECT_EQ(submitted.parsed["grid_code"], kGrid);
  Result again = Gridctl({"submit", "--text", "幸福里小区3号楼东侧井盖丢失", "--lat", "30.2525", "--lng", "120.152",
                          "--idempotency_key", key},
                         Operator());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(Line(again.out, "case").find(id), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("already submitted with this idempotency key"), std::string::npos) << again.out;

  ASSERT_TRUE(testing::WaitFor([&] { return Gridctl({"get", id}, Supervisor()).exit_code == 0; }));
  Result got = Gridctl({"get", id, "--json"}, Supervisor());
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.parsed["id"], id);
  EXPECT_EQ(got.parsed["status"], "CASE_STATUS_SUBMITTED");
  // The SLA service knows the case once it consumed the submission.
  Result table;
  EXPECT_TRUE(testing::WaitFor([&] { return (table = Gridctl({"get", id, "--clocks"}, Supervisor())).exit_code == 0; }))
      << table.err;
  EXPECT_NE(Line(table.out, "status").find("submitted"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("completion"), std::string::npos) << table.out;  // The clocks' table.

  Result timeline = Gridctl({"timeline", id, "--json"}, Supervisor());
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  ASSERT_GE(timeline.parsed["events"].size(), 1u);
  EXPECT_TRUE(timeline.parsed["events"][0].contains("submitted")) << timeline.out;
  Result timeline_table = Gridctl({"timeline", id}, Supervisor());
  EXPECT_NE(Line(timeline_table.out, "submitted").find("hotline_12345"), std::string::npos) << timeline_table.out;

  // Refused by intake (bad phone: 1), not found (1), no token (4), a wrong channel for the role (4).
  Result bad_phone = Gridctl({"submit", "--json", "--text", "x", "--phone", "123"}, Operator());
  EXPECT_EQ(bad_phone.exit_code, 1) << bad_phone.err;
  EXPECT_EQ(bad_phone.parsed["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_NE(bad_phone.err.find("resident.phone"), std::string::npos) << bad_phone.err;
  Result unknown = Gridctl({"get", "GC-19000101-999999", "--json"}, Supervisor());
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_EQ(unknown.parsed["error"]["code"], "NOT_FOUND");
  Result anonymous = Gridctl({"timeline", id});
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.err;
  EXPECT_NE(anonymous.err.find("--token or GRIDCASE_TOKEN"), std::string::npos) << anonymous.err;
  EXPECT_EQ(Gridctl({"submit", "--text", "x"}, TokenOf(v1::ROLE_GRID_WORKER, kGrid, "p0001")).exit_code, 4);
}

// A case through the chain with `act`, one handler after another, and the queues on the way.
TEST_F(GridctlE2eTest, ActRunsHandlerCommandsAndQueueShowsTheHolder) {
  const std::string id = SubmitCase("幸福里小区井盖松动");
  const std::string grid_worker = TokenOf(v1::ROLE_GRID_WORKER, kGrid, "p0001");
  const std::string community = TokenOf(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1");
  const std::string township = TokenOf(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1");
  const std::string urban = TokenOf(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");

  Result queue;
  EXPECT_TRUE(testing::WaitFor([&] {
    queue = Gridctl({"queue", kGrid, "--json"}, grid_worker);
    return queue.exit_code == 0 && queue.out.find(id) != std::string::npos;
  })) << queue.out << queue.err;

  Result verified = Gridctl({"act", "verify_grid", id, "--json", "--category", "general", "--note", "已核实"},
                            grid_worker);
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(verified.parsed["case"]["status"], "CASE_STATUS_AWAITING_COMMUNITY");
  EXPECT_EQ(verified.parsed["event"]["grid_verified"]["category"], "CATEGORY_GENERAL");

  // A stale version is refused (1) with what to do; a role that may not act is denied (4); a command the state does
  // not allow is refused (1).
  Result stale = Gridctl({"act", "community_escalate", id, "--expected_version", "1", "--reason", "需街道协调"},
                         community);
  EXPECT_EQ(stale.exit_code, 1) << stale.err;
  EXPECT_NE(stale.err.find("ABORTED"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("gridctl get"), std::string::npos) << stale.err;
  EXPECT_EQ(Gridctl({"act", "community_escalate", id, "--reason", "x"}, urban).exit_code, 4);
  EXPECT_EQ(Gridctl({"act", "resolve", id, "--reply", "已修复"}, grid_worker).exit_code, 4);

  Result escalated = Gridctl({"act", "community-escalate", id, "--reason", "需街道协调"}, community);
  ASSERT_EQ(escalated.exit_code, 0) << escalated.err;
  EXPECT_NE(escalated.out.find("community_escalated"), std::string::npos) << escalated.out;
  Result township_queue = Gridctl({"queue", kTownship}, township);
  EXPECT_EQ(township_queue.exit_code, 0);
  EXPECT_NE(Line(township_queue.out, id).find("awaiting_dispatch"), std::string::npos) << township_queue.out;

  ASSERT_EQ(Gridctl({"act", "township_dispatch", id, "--department_code", kUrbanManagement}, township).exit_code, 0);
  Result accepted = Gridctl({"act", "department_accept", id, "--json", "--handler_id", "zfj-handler-1"}, urban);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(accepted.parsed["case"]["status"], "CASE_STATUS_IN_PROGRESS");
  Result again = Gridctl({"act", "department_accept", id, "--json"}, urban);
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_EQ(again.parsed["error"]["code"], "FAILED_PRECONDITION") << again.out;
  Result extension =
      Gridctl({"act", "request_extension", id, "--json", "--extra", "2h", "--reason", "需采购井盖"}, urban);
  ASSERT_EQ(extension.exit_code, 0) << extension.err;
  EXPECT_EQ(extension.parsed["event"]["extension_requested"]["extra"], "7200s");
  Result resolved = Gridctl({"act", "resolve", id, "--json", "--reply", "井盖已更换", "--contacted_resident", "true"},
                            urban);
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_EQ(resolved.parsed["case"]["status"], "CASE_STATUS_RESOLVED");
  const int64_t version = std::stoll(resolved.parsed["case"]["version"].get<std::string>());

  Result timeline = Gridctl({"timeline", id, "--json"}, Supervisor());
  int64_t versioned = 0;
  for (const json& event : timeline.parsed["events"]) versioned += event.contains("case_version") ? 1 : 0;
  EXPECT_EQ(versioned, version) << timeline.out;

  // A field the command does not have is a usage error before anything is sent.
  Result field = Gridctl({"act", "resolve", id, "--answer", "x"}, urban);
  EXPECT_EQ(field.exit_code, 2);
  EXPECT_NE(field.err.find("ResolveCommand has no field 'answer'"), std::string::npos) << field.err;
  // Another community's queue is out of the grid worker's scope.
  EXPECT_EQ(Gridctl({"queue", "330199002001"}, grid_worker).exit_code, 4);
}

TEST_F(GridctlE2eTest, ReportInEveryFormat) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  const std::string from = absl::FormatCivilTime(today - 1);
  const std::string to = absl::FormatCivilTime(today + 1);
  const std::string service = fleet_->identity().ServiceAuthorization(testing::TestIdentity::kHarnessService);
  Result structured = Gridctl({"report", "--json", "--from", from, "--to", to}, service);
  ASSERT_EQ(structured.exit_code, 0) << structured.err;
  EXPECT_EQ(structured.parsed["from"], from);
  EXPECT_TRUE(structured.parsed.contains("totals")) << structured.out;
  Result table = Gridctl({"report", "--from", from, "--to", to}, service);
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("满意率 satisfaction"), std::string::npos) << table.out;
  Result csv = Gridctl({"report", "--format", "csv", "--from", from, "--to", to, "--area", kTownship}, service);
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find(','), std::string::npos) << csv.out;
  const std::string html_path = testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "report.html"));
  Result html = Gridctl({"report", "--format", "html", "--from", from, "--to", to, "--output", html_path}, service);
  EXPECT_EQ(html.exit_code, 0) << html.err;
  std::ifstream page(html_path);
  std::string text((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<svg"), std::string::npos);

  // A period beyond 366 days is refused by the service (1); an unknown format is a usage error (2).
  Result long_period = Gridctl({"report", "--json", "--from", "2025-01-01", "--to", "2026-12-31"}, service);
  EXPECT_EQ(long_period.exit_code, 1) << long_period.err;
  EXPECT_EQ(long_period.parsed["error"]["code"], "INVALID_ARGUMENT") << long_period.out;
  EXPECT_EQ(Gridctl({"report", "--format", "pdf"}, service).exit_code, 2);
}

// A token minted by gridctl with the fleet's services' key is accepted by dispatch.
TEST_F(GridctlE2eTest, TokenMintsATokenTheServicesAccept) {
  const std::string keys = testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "keys"));
  const std::vector<std::string> signing = {"--key", keys + "/service.pem", "--kid", "service-1", "--iss",
                                            testing::TestIdentity::kServiceIssuer, "--aud",
                                            testing::TestIdentity::kAudience};
  std::vector<std::string> args = {"token", "system", testing::TestIdentity::kHarnessService, "--json"};
  args.insert(args.end(), signing.begin(), signing.end());
  Result minted = Gridctl(args);
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  const std::string token = minted.parsed["token"];
  Result queue = Gridctl({"queue", kTownship, "--json"}, token);
  EXPECT_EQ(queue.exit_code, 0) << queue.err;
  // An unknown role is a usage error; a token signed by a key the services do not trust is refused (4).
  args = {"token", "mayor", "330199"};
  args.insert(args.end(), signing.begin(), signing.end());
  EXPECT_EQ(Gridctl(args).exit_code, 2);
  EXPECT_EQ(Gridctl({"queue", kTownship}, token + "x").exit_code, 4);
}

TEST_F(GridctlE2eTest, ReplaySubmitsACsvOnceWithProgress) {
  // Two requests on the sample county's grid, one without a point, one unusable record.
  const std::string path = testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "replay.csv"));
  std::ofstream(path) << "id,text,title,address,lat,lng\n"
                         "r1,\"翠苑社区1号楼前,路面塌陷\",路面塌陷,翠苑社区1号楼,30.2525,120.152\n"
                         "r2,小区垃圾清运不及时,,翠苑社区,,\n"
                         "r3,,,,,\n";
  const std::string prefix = testing::UniqueName("replay") + "-";
  Result first = Gridctl({"replay", path, "--json", "--key_prefix", prefix, "--rate", "50"}, Operator());
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.parsed["records"], 3) << first.out;
  EXPECT_EQ(first.parsed["submitted"], 2) << first.out;
  EXPECT_EQ(first.parsed["unusable"], 1) << first.out;
  EXPECT_NE(first.err.find("[########################]  3/3  100%"), std::string::npos) << first.err;
  Result second = Gridctl({"replay", path, "--json", "--key_prefix", prefix}, Operator());
  EXPECT_EQ(second.parsed["submitted"], 0) << second.out;
  EXPECT_EQ(second.parsed["duplicate_submits"], 2) << second.out;

  // The NYC sample (when the shared data is there): every record accepted, none on a grid of the county.
  const std::string nyc = testing::SourcePath("../shared/data/nyc311-2000.csv");
  Result sample = Gridctl({"replay", nyc, "--limit", "40", "--concurrency", "4", "--json", "--key_prefix", prefix,
                          "--service_codes",
                          testing::SourcePath("data/registry/nyc311-service-codes.json"), "--registry",
                          testing::SourcePath("data/registry/sample-county.json")},
                         Operator());
  EXPECT_EQ(sample.exit_code, 0) << sample.err;
  if (!sample.parsed.value("skipped", false)) {
    EXPECT_EQ(sample.parsed["layout"], "nyc311");
    EXPECT_EQ(sample.parsed["submitted"].get<int>() + sample.parsed["duplicate_submits"].get<int>(), 40) << sample.out;
    EXPECT_EQ(sample.parsed["refused"], 0) << sample.out;
    EXPECT_EQ(sample.parsed["catalogued"], 40) << sample.out;  // Each through the service-code map (or its default).
    EXPECT_NE(sample.err.find("40/40  100%"), std::string::npos) << sample.err;
  }

  // A missing file is skipped (0) with a message; a file of unknown columns is a usage error (2); a token whose role
  // may not use the channel stops the replay (4).
  Result missing = Gridctl({"replay", path + ".missing"}, Operator());
  EXPECT_EQ(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("skipped:"), std::string::npos) << missing.err;
  const std::string odd = path + ".odd.csv";
  std::ofstream(odd) << "a,b\n1,2\n";
  EXPECT_EQ(Gridctl({"replay", odd}, Operator()).exit_code, 2);
  Result no_map = Gridctl({"replay", path, "--service_codes", path + ".missing.json", "--registry",
                           testing::SourcePath("data/registry/sample-county.json")},
                          Operator());
  EXPECT_EQ(no_map.exit_code, 2) << no_map.err;
  EXPECT_NE(no_map.err.find("--service_codes:"), std::string::npos) << no_map.err;
  Result denied =
      Gridctl({"replay", path, "--key_prefix", prefix + "x"}, TokenOf(v1::ROLE_GRID_WORKER, kGrid, "p0001"));
  EXPECT_EQ(denied.exit_code, 4) << denied.err;
  EXPECT_NE(denied.err.find("stopped at row 2"), std::string::npos) << denied.err;
}

// rebuild and audit read Kafka and Redis directly; the projections equal the log's rebuild.
TEST_F(GridctlE2eTest, RebuildAndAuditAgreeWithTheLiveProjections) {
  SubmitCase("翠苑社区健身器材损坏");
  Result rebuilt;
  int attempt = 0;
  // SLA deadlines may still be reaching the live projections: rebuild again into a fresh prefix until they agree.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        const std::string target = absl::StrCat(fleet_->prefix(), "rebuilt", ++attempt, ".");
        rebuilt = Gridctl({"rebuild", "--json", "--target_prefix", target});
        return rebuilt.exit_code == 0;
      },
      absl::Seconds(30), absl::Milliseconds(500)))
      << rebuilt.out << rebuilt.err;
  EXPECT_TRUE(rebuilt.parsed["identical"].get<bool>()) << rebuilt.out;
  EXPECT_GE(rebuilt.parsed["cases"].get<int>(), 1) << rebuilt.out;
  EXPECT_NE(rebuilt.err.find("projecting cases ["), std::string::npos) << rebuilt.err;
  // The live prefix as the target, or a prefix that holds projections already, is refused.
  EXPECT_EQ(Gridctl({"rebuild", "--target_prefix", fleet_->prefix()}).exit_code, 2);
  Result reused =
      Gridctl({"rebuild", "--json", "--target_prefix", absl::StrCat(fleet_->prefix(), "rebuilt", attempt, ".")});
  EXPECT_EQ(reused.exit_code, 1) << reused.err;
  EXPECT_EQ(reused.parsed["error"]["code"], "FAILED_PRECONDITION") << reused.out;

  Result audited = Gridctl({"audit", "--json", "--settle=30s"});
  EXPECT_EQ(audited.exit_code, 0) << audited.out << audited.err;
  EXPECT_TRUE(audited.parsed.is_object()) << audited.out;
  Result text = Gridctl({"audit"});
  EXPECT_EQ(text.exit_code, 0) << text.out;
  // No Redis at the address: the audit cannot run (3).
  Result away = Gridctl({"audit", "--redis_addr", absl::StrCat("127.0.0.1:", testing::FreePort())});
  EXPECT_EQ(away.exit_code, 3) << away.err;
}

// gridctl speaks TLS as the services do: verifying them against --tls_ca, and presenting --tls_cert/--tls_key for a
// service's token under mutual TLS.
TEST_F(GridctlE2eTest, TlsOptionsReachAServiceOnTls) {
  testing::ServiceFleet tls_fleet("gridctl-tls");
  ASSERT_TRUE(tls_fleet.UseTls().ok());
  ASSERT_TRUE(tls_fleet.Start("dispatch").ok());
  const std::string env = absl::StrCat("GRIDCASE_DISPATCH_ADDR=", tls_fleet.address("dispatch"));
  const std::string ca = tls_fleet.cert_dir() + "/ca.pem";
  const std::string supervisor = tls_fleet.identity().Authorization(v1::ROLE_SUPERVISOR, "330199", "sup-1");
  Result verified = RunWithEnv(env, {"get", "GC-19000101-000001", "--json", "--tls_ca", ca}, supervisor);
  EXPECT_EQ(verified.exit_code, 1) << verified.err;  // Through TLS to dispatch, which does not know the case.
  EXPECT_EQ(verified.parsed["error"]["code"], "NOT_FOUND") << verified.out;
  Result by_env = RunWithEnv(env + " GRIDCASE_TLS_CA=" + Quote(ca), {"queue", kTownship}, supervisor);
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  Result plaintext = RunWithEnv(env, {"get", "GC-19000101-000001", "--timeout", "3s"}, supervisor);
  EXPECT_EQ(plaintext.exit_code, 3) << plaintext.err;
  EXPECT_NE(plaintext.err.find("--tls_ca"), std::string::npos) << plaintext.err;

  const std::string service = tls_fleet.identity().ServiceAuthorization(testing::TestIdentity::kHarnessService);
  const std::string cert = tls_fleet.cert_dir() + "/" + testing::TestIdentity::kHarnessService;
  Result mutual = RunWithEnv(env, {"queue", kTownship, "--tls_ca", ca, "--tls_cert", cert + ".pem", "--tls_key",
                                   cert + ".key"},
                             service);
  EXPECT_EQ(mutual.exit_code, 0) << mutual.err;
  Result without_certificate = RunWithEnv(env, {"queue", kTownship, "--tls_ca", ca}, service);
  EXPECT_EQ(without_certificate.exit_code, 4) << without_certificate.err;
  EXPECT_EQ(RunWithEnv(env, {"queue", kTownship, "--tls_ca", ca + ".missing"}, supervisor).exit_code, 2);
}

// Last: an unreadable record parks a case in the consumer groups; `parked` lists it and skips it.
TEST_F(GridctlE2eTest, ParkedListsAndSkipsAParkedCase) {
  const std::string x = testing::UniqueName("GC-X");
  auto producer = kafka::Producer::Create({.brokers = testing::TestInfra().kafka_brokers});
  ASSERT_TRUE(producer.ok()) << producer.status();
  ASSERT_TRUE((*producer)->Produce(events::Topics(fleet_->prefix()).intake(), x, "not a case event").ok());
  const std::string group = fleet_->prefix() + "gridcase-dispatch-intake";
  Result listed;
  ASSERT_TRUE(testing::WaitFor([&] {
    listed = Gridctl({"parked", "list", "--json", "--group", group});
    return listed.exit_code == 0 && listed.parsed["parked"].size() == 1;
  })) << listed.out << listed.err;
  EXPECT_EQ(listed.parsed["parked"][0]["case_id"], x);
  EXPECT_EQ(listed.parsed["parked"][0]["state"], "held");
  Result table = Gridctl({"parked", "list"});
  EXPECT_NE(Line(table.out, group).find(x), std::string::npos) << table.out;

  Result skipped = Gridctl({"parked", "skip", "--json", "--group", group, "--case", x, "--wait", "30s"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_EQ(skipped.parsed["outcome"], "applied") << skipped.out;
  EXPECT_TRUE(Gridctl({"parked", "list", "--json", "--group", group}).parsed["parked"].empty());
  // A case that is not parked cannot be released (1); a verb without --case is a usage error (2).
  Result not_parked = Gridctl({"parked", "replay", "--json", "--group", group, "--case", x});
  EXPECT_EQ(not_parked.exit_code, 1) << not_parked.out;
  EXPECT_EQ(not_parked.parsed["outcome"], "failed");
  EXPECT_EQ(Gridctl({"parked", "release", "--group", group}).exit_code, 2);
}

}  // namespace
}  // namespace gridcase
