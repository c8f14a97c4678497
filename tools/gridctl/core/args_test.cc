#include "tools/gridctl/core/args.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

const std::vector<OptionSpec> kSpecs = {{"json", "", "json"},
                                        {"page_size", "N", "page size"},
                                        {"unit", "UNIT", "unit"},
                                        {"token", "JWT", "token", "GRIDCTL_ARGS_TEST_TOKEN"}};

TEST(ArgsTest, ReadsOptionsInEveryFormAndKeepsPositionalsInOrder) {
  auto args = ParseArgs({"GC-1", "--json", "--page-size", "5", "--unit=330199001", "GC-2", "--unit", "330199002"},
                        kSpecs);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"GC-1", "GC-2"}));
  EXPECT_TRUE(args->Switch("json"));
  EXPECT_EQ(*args->Int("page_size").value(), 5);
  EXPECT_EQ(args->Get("unit"), "330199002");
  EXPECT_EQ(args->All("unit"), (std::vector<std::string>{"330199001", "330199002"}));
  EXPECT_FALSE(args->Has("token"));
}

TEST(ArgsTest, RefusesUnknownOptionsAndMissingValues) {
  EXPECT_EQ(ParseArgs({"--nope"}, kSpecs).status().message(), "unknown option --nope");
  auto missing = ParseArgs({"--unit"}, kSpecs);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "--unit needs a value (UNIT)");
  auto bad = ParseArgs({"--page_size=ten"}, kSpecs);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->Int("page_size").status().message(), "--page_size: 'ten' is not a whole number");
}

TEST(ArgsTest, CollectsUnknownOptionsWithTheirValuesWhenAsked) {
  auto args = ParseArgs({"verify_grid", "--grid_code", "330199001001001", "--category=general", "--flag", "--json"},
                        kSpecs, /*collect_unknown=*/true);
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->unknown(), (std::vector<std::pair<std::string, std::string>>{
                                 {"grid_code", "330199001001001"}, {"category", "general"}, {"flag", "true"}}));
  EXPECT_TRUE(args->Switch("json"));
}

TEST(ArgsTest, TakesTheEnvironmentWhenTheOptionIsAbsentAndTheCommandLineOverIt) {
  setenv("GRIDCTL_ARGS_TEST_TOKEN", "from-env", 1);
  EXPECT_EQ(ParseArgs({}, kSpecs)->Get("token"), "from-env");
  EXPECT_EQ(ParseArgs({"--token=given"}, kSpecs)->Get("token"), "given");
  unsetenv("GRIDCTL_ARGS_TEST_TOKEN");
}

TEST(ArgsTest, DoubleDashEndsOptionsAndDashHIsHelp) {
  auto args = ParseArgs({"-h", "--", "--json"}, kSpecs);
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->Switch("help"));
  EXPECT_FALSE(args->Has("json"));
  EXPECT_EQ(args->positional(), std::vector<std::string>{"--json"});
}

TEST(ArgsTest, TakeSubcommandSkipsOptionValues) {
  std::vector<std::string> tokens = {"--unit", "330199001", "--json", "queue", "x"};
  EXPECT_EQ(TakeSubcommand(tokens, kSpecs), "queue");
  EXPECT_EQ(tokens, (std::vector<std::string>{"--unit", "330199001", "--json", "x"}));
  std::vector<std::string> none = {"--json"};
  EXPECT_EQ(TakeSubcommand(none, kSpecs), "");
}

TEST(ArgsTest, ParsesDurationsWithDays) {
  EXPECT_EQ(*ParseDurationText("3d"), absl::Hours(72));
  EXPECT_EQ(*ParseDurationText("1h30m"), absl::Minutes(90));
  EXPECT_FALSE(ParseDurationText("soon").ok());
}

}  // namespace
}  // namespace gridcase::gridctl
