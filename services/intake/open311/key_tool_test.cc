#include "services/intake/open311/key_tool.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/intake/open311/api_keys.h"

namespace gridcase::intake::open311 {
namespace {

struct ToolRun {
  int status = 0;
  std::vector<std::string> out;  // Lines.
  std::string err;
};

ToolRun RunTool(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  ToolRun run;
  run.status = RunKeyTool(args, in, out, err);
  run.out = absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  run.err = err.str();
  return run;
}

TEST(KeyToolTest, NewPrintsAKeyOnceAndAnEntryThatAcceptsIt) {
  ToolRun run = RunTool({"new", "--name", "hotline-12345", "--rate", "5", "--burst=12"});
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_EQ(run.out.size(), 4u);
  EXPECT_TRUE(absl::StartsWith(run.out[0], "API key for hotline-12345")) << run.out[0];
  const std::string& key = run.out[1];
  EXPECT_EQ(key.size(), 43u);
  EXPECT_TRUE(absl::StartsWith(run.out[2], "Entry for the --open311_keys file")) << run.out[2];
  EXPECT_FALSE(absl::StrContains(run.out[3], key));
  auto keys = ApiKeys::FromJson("[" + run.out[3] + "]");
  ASSERT_TRUE(keys.ok()) << keys.status() << " " << run.out[3];
  const ApiKey* client = keys->Find(key);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->name, "hotline-12345");
  EXPECT_EQ(client->limit.rate_per_second, 5);
  EXPECT_EQ(client->limit.burst, 12);

  ToolRun again = RunTool({"new", "--name", "hotline-12345"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out[1], key);
}

TEST(KeyToolTest, HashMakesTheEntryOfAnExistingKeyFromTheFlagOrStdin) {
  for (const ToolRun& run : {RunTool({"hash", "--name=app", "--key", "k-existing-0123456789"}),
                         RunTool({"hash", "--name=app"}, "k-existing-0123456789\n")}) {
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.out.size(), 2u);
    EXPECT_FALSE(absl::StrContains(run.out[1], "k-existing"));
    nlohmann::json entry = nlohmann::json::parse(run.out[1]);
    EXPECT_EQ(entry["rate_per_second"], 20);  // The defaults.
    EXPECT_EQ(entry["burst"], 40);
    auto keys = ApiKeys::FromJson("[" + run.out[1] + "]");
    ASSERT_TRUE(keys.ok()) << keys.status();
    ASSERT_NE(keys->Find("k-existing-0123456789"), nullptr);
    EXPECT_EQ(keys->Find("k-existing-0123456789")->name, "app");
    EXPECT_EQ(keys->Find("k-existing-012345678X"), nullptr);
  }
  // A fresh salt each time: the same key never gives the same entry twice.
  EXPECT_NE(RunTool({"hash", "--name=app", "--key=k-existing-0123456789"}).out[1],
            RunTool({"hash", "--name=app", "--key=k-existing-0123456789"}).out[1]);
}

TEST(KeyToolTest, RefusesBadUsageWithoutEchoingTheKey) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {{}, ""},
      {{"list"}, "unknown command list"},
      {{"new"}, "--name: required, 1..40 characters of [a-z0-9._-]"},
      {{"new", "--name", "Hotline"}, "--name: required, 1..40 characters of [a-z0-9._-]"},
      {{"new", "--name", "a", "--rate", "0"}, "--rate: must be > 0"},
      {{"new", "--name", "a", "--rate", "fast"}, "--rate: not a number"},
      {{"new", "--name", "a", "--burst", "0.5"}, "--burst: must be >= 1"},
      {{"new", "--name", "a", "--key", "k-secret-0123456789"}, "unknown option --key"},
      {{"new", "--name"}, "--name: missing value"},
      {{"hash", "--name", "a", "--key", "k-secret 0123456789"},
       "the key must be 16..128 printable ASCII characters without spaces"},
      {{"hash", "--name", "a", "--key", "k-short"}, "the key must be 16..128 printable ASCII characters"},
  };
  for (const Case& c : cases) {
    ToolRun run = RunTool(c.args);
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(run.out.empty());
    EXPECT_TRUE(absl::StrContains(run.err, "usage: gridcase-open311-key") || !c.error.empty()) << run.err;
    if (!c.error.empty()) {
      EXPECT_TRUE(absl::StrContains(run.err, "gridcase-open311-key: " + c.error)) << run.err;
    }
    EXPECT_FALSE(absl::StrContains(run.err, "k-s")) << run.err;
  }
  ToolRun empty_stdin = RunTool({"hash", "--name", "a"}, "");
  EXPECT_EQ(empty_stdin.status, 2);
}

}  // namespace
}  // namespace gridcase::intake::open311
