#include "services/intake/open311/api_keys.h"

#include "gtest/gtest.h"

namespace gridcase::intake::open311 {
namespace {

TEST(ApiKeysTest, ParsesKeysAndFindsThem) {
  auto keys = ApiKeys::FromJson(R"([
    {"key": "k-0123456789abcdef", "name": "hotline-12345", "rate_per_second": 20, "burst": 40},
    {"key": "k-fedcba9876543210", "name": "app.v2", "rate_per_second": 0.5}
  ])");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 2u);
  const ApiKey* hotline = keys->Find("k-0123456789abcdef");
  ASSERT_NE(hotline, nullptr);
  EXPECT_EQ(hotline->name, "hotline-12345");
  EXPECT_EQ(hotline->limit.rate_per_second, 20);
  EXPECT_EQ(hotline->limit.burst, 40);
  const ApiKey* app = keys->Find("k-fedcba9876543210");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->limit.burst, 1);  // Defaults to the rate, at least 1.
  EXPECT_EQ(keys->Find("k-unknown-000000000"), nullptr);
  EXPECT_EQ(keys->Find(""), nullptr);
}

TEST(ApiKeysTest, RefusesBadEntriesNamingThePath) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {"{}", "expected a JSON list of {key, name, rate_per_second, burst}"},
      {"[", "not valid JSON"},
      {R"([{"key": "short", "name": "a", "rate_per_second": 1}])",
       "[0].key: must be 16..128 printable ASCII characters without spaces"},
      {R"([{"key": "k-0123456789 abcdef", "name": "a", "rate_per_second": 1}])",
       "[0].key: must be 16..128 printable ASCII characters without spaces"},
      {R"([{"key": "k-0123456789abcdef", "name": "Hotline", "rate_per_second": 1}])",
       "[0].name: must be 1..40 characters of [a-z0-9._-]"},
      {R"([{"key": "k-0123456789abcdef", "name": "a", "rate_per_second": 0}])", "[0].rate_per_second: must be > 0"},
      {R"([{"key": "k-0123456789abcdef", "name": "a", "rate_per_second": 1, "burst": 0.5}])",
       "[0].burst: must be >= 1"},
      {R"([{"key": "k-0123456789abcdef", "name": "a", "rate_per_second": 1, "rate": 2}])",
       "[0].rate: unknown field (expected key, name, rate_per_second, burst)"},
      {R"([{"key": "k-0123456789abcdef", "name": "a", "rate_per_second": 1},
           {"key": "k-0123456789abcdef", "name": "b", "rate_per_second": 1}])",
       "[1].key: repeats an earlier key"},
      {R"([{"key": "k-0123456789abcdef", "name": "a", "rate_per_second": 1},
           {"key": "k-0123456789abcdeX", "name": "a", "rate_per_second": 1}])",
       "[1].name: repeats an earlier name a"},
  };
  for (const Case& c : cases) {
    auto keys = ApiKeys::FromJson(c.json);
    ASSERT_FALSE(keys.ok()) << c.json;
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(keys.status().message(), c.error) << c.json;
  }
}

TEST(ApiKeysTest, LoadNamesTheFile) {
  auto keys = ApiKeys::Load("/nonexistent/open311-keys.json");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().message(), "/nonexistent/open311-keys.json: cannot open");
}

}  // namespace
}  // namespace gridcase::intake::open311
