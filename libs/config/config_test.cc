#include "libs/config/config.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, config_test_count, 1, "A number");
ABSL_FLAG(bool, config_test_switch, true, "A switch");

namespace gridcase::config {
namespace {

std::vector<char*> Parse(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return ParseFlags(static_cast<int>(argv.size()), argv.data(), "config_test");
}

// Parses once: the usage message may be set only once per process.
TEST(ParseFlagsTest, ReadsSeparateValuesNegatedSwitchesAndPositionalArguments) {
  std::vector<std::string> args = {"prog", "--config_test_count", "7", "--noconfig_test_switch", "positional"};
  std::vector<char*> rest = Parse(args);
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_count), 7);
  EXPECT_FALSE(absl::GetFlag(FLAGS_config_test_switch));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(std::string(rest[1]), "positional");
}

TEST(ParseFlagsDeathTest, AMalformedValueExits2NamingTheFlag) {
  std::vector<std::string> args = {"prog", "--config_test_count=many"};
  EXPECT_EXIT(Parse(args), ::testing::ExitedWithCode(2), "--config_test_count");
}

TEST(ParseFlagsDeathTest, AnUnknownFlagExits2NamingIt) {
  std::vector<std::string> args = {"prog", "--config_test_cuont=3"};
  EXPECT_EXIT(Parse(args), ::testing::ExitedWithCode(2), "unknown flag --config_test_cuont");
}

TEST(ParseFlagsDeathTest, AMalformedEnvironmentValueExits2NamingIt) {
  std::vector<std::string> args = {"prog"};
  EXPECT_EXIT(
      {
        setenv("GRIDCASE_CONFIG_TEST_COUNT", "many", 1);
        Parse(args);
      },
      ::testing::ExitedWithCode(2), "GRIDCASE_CONFIG_TEST_COUNT");
}

}  // namespace
}  // namespace gridcase::config
