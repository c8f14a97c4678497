// gridctl's command line in process, without services: help for every subcommand, usage errors with exit code 2
// before anything is sent, and the token subcommand, whose tokens are checked with gridcase-token's verifier.
#include "tools/gridctl/gridctl.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "libs/auth/token_cli.h"
#include "libs/auth/token_signer.h"
#include "nlohmann/json.hpp"

namespace gridcase::gridctl {
namespace {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

CliRun Gridctl(const std::string& line) {
  std::vector<std::string> argv = absl::StrSplit(line, ' ', absl::SkipEmpty());
  std::ostringstream out, err;
  int code = RunGridctl(argv, out, err, /*terminal=*/false);
  return {code, out.str(), err.str()};
}

TEST(GridctlTest, EverySubcommandHasHelpWithUsageOptionsAndExitCodes) {
  for (const Subcommand& s : AllSubcommands()) {
    CliRun help = Gridctl(s.name + " --help");
    EXPECT_EQ(help.exit_code, 0) << s.name;
    EXPECT_EQ(help.out.rfind("usage: gridctl " + s.name, 0), 0u) << help.out;
    EXPECT_NE(help.out.find("--json"), std::string::npos) << s.name;
    EXPECT_NE(help.out.find("Exit codes:"), std::string::npos) << s.name;
    EXPECT_EQ(Gridctl(s.name + " -h").exit_code, 0) << s.name;
  }
  CliRun main = Gridctl("--help");
  EXPECT_EQ(main.exit_code, 0);
  for (const char* name : {"submit", "get", "timeline", "queue", "act", "overdue", "report", "token", "rebuild",
                           "audit", "parked", "replay", "notify"}) {
    EXPECT_NE(main.out.find(std::string("\n  ") + name + " "), std::string::npos) << name;
  }
}

TEST(GridctlTest, ActHelpListsEveryCommandAndACommandsFields) {
  CliRun list = Gridctl("act --list --json");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list.out)["commands"].size(), 19u) << list.out;
  CliRun fields = Gridctl("act department_transfer --help");
  EXPECT_NE(fields.out.find("Fields of department_transfer:\n  --to_department_code TEXT\n  --reason TEXT\n"),
            std::string::npos)
      << fields.out;
}

TEST(GridctlTest, NoSubcommandOrAnUnknownOneIsAUsageError) {
  CliRun none = Gridctl("");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("usage: gridctl SUBCOMMAND"), std::string::npos);
  CliRun unknown = Gridctl("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown subcommand 'frobnicate'; the subcommands are: submit, get"), std::string::npos);
}

// Each of these is refused before anything is sent: exit 2, a message naming what is wrong and where help is, and
// with --json an error object on stdout.
TEST(GridctlTest, BadCommandLinesAreUsageErrorsThatSayWhatToDo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"submit --dispatch_addr=x:1", "--text is required"},
      {"submit --text x --channel fax --intake_addr=x:1", "--channel: 'fax' is not a channel"},
      {"submit --text x --lat 30 --intake_addr=x:1", "--lat and --lng go together"},
      {"get", "needs exactly one CASE_ID"},
      {"get GC-1", "the address of dispatch is not set: pass --dispatch_addr=HOST:PORT or set GRIDCASE_DISPATCH_ADDR"},
      {"get GC-1 --dispatch_addr=x:1 --timeout=0s", "--timeout: must be positive"},
      {"get GC-1 --dispatch_addr=x:1 --tls_cert=/nonexistent", "--tls_cert and --tls_key go together"},
      {"timeline GC-1 GC-2", "needs exactly one CASE_ID"},
      {"queue", "needs exactly one UNIT"},
      {"queue 330199001 --limit=-1 --dispatch_addr=x:1", "--limit: must be positive"},
      {"act resolve", "needs COMMAND and CASE_ID"},
      {"act approve GC-1", "unknown command 'approve'"},
      {"act resolve GC-1 --contacted_resident maybe", "'maybe' is not true or false"},
      {"act resolve GC-1 --expected_version=latest", "--expected_version: 'latest' is not a whole number"},
      {"overdue --level moon --sla_addr=x:1", "--level: 'moon' is not one of grid, community, township"},
      {"overdue --watch --count=x --sla_addr=x:1", "--count: 'x' is not a whole number"},
      {"report --from 2026-11-31", "--from: '2026-11-31' is not a day"},
      {"report --format pdf", "--format: 'pdf' is not one of table, json, csv, html"},
      {"token grid_worker", "needs ROLE UNIT [SUB]"},
      {"rebuild extra", "takes no positional arguments"},
      {"audit --settle=-1s", "--settle: must be >= 0"},
      {"parked frob", "unknown verb 'frob'"},
      {"parked skip --group g", "skip needs --group and --case"},
      {"replay", "needs the CSV FILE"},
      {"replay a.csv --limit 0", "--limit: must be positive"},
      {"replay a.csv --concurrency 0", "--concurrency: must be within [1, 64]"},
      {"overdue --watch --count 0 --sla_addr=x:1", "--count: must be positive"},
      {"get GC-1 --nope", "unknown option --nope"},
      {"notify", "needs a verb: integrations, register, unregister, parked, replay"},
      {"notify frob", "unknown verb 'frob'"},
      {"notify parked", "the address of notify is not set: pass --notify_addr=HOST:PORT or set GRIDCASE_NOTIFY_ADDR"},
      {"notify parked extra --notify_addr=x:1", "parked takes no other arguments"},
      {"notify parked --from 1h --notify_addr=x:1", "--from does not apply to parked"},
      {"notify parked --integration= --notify_addr=x:1", "--integration: must not be empty"},
      {"notify unregister --notify_addr=x:1", "unregister needs exactly one NAME"},
      {"notify register app --service app --secret_ref app --notify_addr=x:1", "--callback_url is required"},
      {"notify register app --service app --hotline_unit 330199.12345 --callback_url https://x --secret_ref app",
       "needs exactly one source"},
      {"notify replay --notify_addr=x:1", "--from is required"},
      {"notify replay --from yesterday --notify_addr=x:1", "--from: 'yesterday' is neither"},
      {"notify replay --from 2h --include_delivered --notify_addr=x:1", "--include_delivered sends delivered"},
  };
  for (const auto& [line, message] : cases) {
    CliRun run = Gridctl(line);
    EXPECT_EQ(run.exit_code, 2) << line << "\n" << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << line << "\n" << run.err;
    EXPECT_NE(run.err.find("--help"), std::string::npos) << line << "\n" << run.err;
    CliRun json = Gridctl(line + " --json");
    EXPECT_EQ(json.exit_code, 2) << line;
    EXPECT_EQ(nlohmann::json::parse(json.out, nullptr, false).value("/error/code"_json_pointer, ""), "USAGE")
        << line << "\n" << json.out;
  }
}

TEST(GridctlTest, NotifyHelpTellsAboutTheVerbAsked) {
  CliRun replay = Gridctl("notify replay --help");
  EXPECT_EQ(replay.exit_code, 0);
  EXPECT_NE(replay.out.find("--notify_addr"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("notify replay --from TIME [--integration T] [--include_delivered]: queues again"),
            std::string::npos)
      << replay.out;
  const std::vector<std::pair<std::string, std::string>> rpcs = {{"integrations", "(ListIntegrations)"},
                                                                  {"register", "(RegisterIntegration)"},
                                                                  {"unregister", "(UnregisterIntegration)"},
                                                                  {"parked", "(ListParked)"},
                                                                  {"replay", "(Replay)"}};
  CliRun general = Gridctl("notify --help");
  for (const auto& [verb, rpc] : rpcs) {
    EXPECT_EQ(general.out.find(rpc), std::string::npos) << general.out;
    CliRun help = Gridctl("notify " + verb + " -h");
    EXPECT_EQ(help.exit_code, 0) << verb;
    EXPECT_NE(help.out.find("\nnotify " + verb), std::string::npos) << verb << "\n" << help.out;
    EXPECT_NE(help.out.find(rpc), std::string::npos) << verb << "\n" << help.out;
  }
}

// A service that is not there: exit 3 with the call's status, and with --json an error object naming notify.
TEST(GridctlTest, NotifyAgainstNoServiceIsUnavailable) {
  CliRun run = Gridctl("notify integrations --json --timeout=2s --notify_addr=127.0.0.1:1");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["error"]["service"], "notify") << run.out;
}

TEST(GridctlTest, ReplayOfAMissingFileIsSkippedWithAMessage) {
  CliRun run = Gridctl("replay /nonexistent/nyc311.csv --json");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.err.find("skipped: /nonexistent/nyc311.csv does not exist"), std::string::npos) << run.err;
  EXPECT_TRUE(nlohmann::json::parse(run.out)["skipped"].get<bool>());
}

TEST(GridctlTest, TokenMintsATokenTheVerifierAcceptsWithTheRoleAndUnit) {
  const std::string dir = ::testing::TempDir() + "/gridctl_token_test";
  std::filesystem::create_directories(dir);
  auto key = auth::GenerateKeyPair("people-1");
  ASSERT_TRUE(key.ok());
  std::ofstream(dir + "/people-1.pem") << key->private_pem;
  std::ofstream(dir + "/jwks.json") << nlohmann::json{{"keys", {key->public_jwk}}}.dump();
  const std::string flags = " --key " + dir + "/people-1.pem --iss people --aud gridcase";

  CliRun minted = Gridctl("token township_dispatcher 330199001 dispatcher-7 --json" + flags);
  ASSERT_EQ(minted.exit_code, 0) << minted.err;
  nlohmann::json answer = nlohmann::json::parse(minted.out);
  EXPECT_EQ(answer["sub"], "dispatcher-7");
  std::ostringstream verified, error;
  ASSERT_EQ(auth::RunTokenCommand({"verify", "--jwks", dir + "/jwks.json", "--iss", "people", "--aud", "gridcase",
                                   answer["token"].get<std::string>()},
                                  verified, error),
            0)
      << error.str();
  EXPECT_NE(verified.str().find("township_dispatcher"), std::string::npos) << verified.str();
  EXPECT_NE(verified.str().find("330199001"), std::string::npos) << verified.str();

  // Without a SUB, a grid's head from the registry.
  const std::string registry = dir + "/registry.json";
  std::ofstream(registry) << R"({"grids": [{"code": "330199001001001", "members": [
      {"person_id": "gw-2", "duty": "member"}, {"person_id": "gw-1", "duty": "grid_head"}]}]})";
  CliRun head = Gridctl("token grid_worker 330199001001001 --json --registry " + registry + flags);
  ASSERT_EQ(head.exit_code, 0) << head.err;
  EXPECT_EQ(nlohmann::json::parse(head.out)["sub"], "gw-1");

  CliRun plain = Gridctl("token supervisor 330199" + flags);
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(std::count(plain.out.begin(), plain.out.end(), '.'), 2) << plain.out;  // header.payload.signature

  CliRun bad_role = Gridctl("token mayor 330199" + flags);
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role.err;
  CliRun no_key = Gridctl("token supervisor 330199 --iss people --aud gridcase");
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("scripts/dev-keys"), std::string::npos) << no_key.err;
}

}  // namespace
}  // namespace gridcase::gridctl
