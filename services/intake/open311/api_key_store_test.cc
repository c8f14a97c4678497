#include "services/intake/open311/api_key_store.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/metrics/metrics.h"
#include "prometheus/registry.h"

namespace gridcase::intake::open311 {
namespace {

constexpr char kOldKey[] = "k-old-0123456789abcdef";
constexpr char kNewKey[] = "k-new-0123456789abcdef";
constexpr char kAppKey[] = "k-app-0123456789abcdef";
constexpr char kSalt[] = "0123456789abcdef";

std::string Entry(absl::string_view name, absl::string_view key) {
  return HashedKeyEntry(name, key, kSalt, {.rate_per_second = 10, .burst = 10});
}

// Replaces the file at `path` the way an operator's tooling does: a new file renamed over the old one.
void WriteFile(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(temporary, path);
}

// gridcase_file_reloads_total{file="open311_keys", outcome=`outcome`}.
double Reloads(const std::string& outcome) {
  for (const prometheus::MetricFamily& family : metrics::Registry()->Collect()) {
    if (family.name != "gridcase_file_reloads_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      int matched = 0;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        if ((label.name == "file" && label.value == "open311_keys") ||
            (label.name == "outcome" && label.value == outcome)) {
          ++matched;
        }
      }
      if (matched == 2) return metric.counter.value;
    }
  }
  return 0;
}

class ApiKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "/open311-keys-",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".json");
    WriteFile(path_, absl::StrCat("[", Entry("hotline-12345", kOldKey), "]"));
    auto keys = ApiKeys::Load(path_);
    ASSERT_TRUE(keys.ok()) << keys.status();
    store_ = std::make_unique<ApiKeyStore>(*std::move(keys));
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::string Client(absl::string_view key) {
    const ApiKey* found = store_->Current()->Find(key);
    return found == nullptr ? "" : found->name;
  }

  std::string path_;
  std::unique_ptr<ApiKeyStore> store_;
};

TEST_F(ApiKeyStoreTest, ReloadReplacesTheKeys) {
  EXPECT_EQ(Client(kOldKey), "hotline-12345");
  WriteFile(path_, absl::StrCat("[", Entry("hotline-12345", kNewKey), ",", Entry("app", kAppKey), "]"));
  ASSERT_TRUE(store_->Reload(path_).ok());
  EXPECT_EQ(Client(kOldKey), "");  // Rotated out.
  EXPECT_EQ(Client(kNewKey), "hotline-12345");
  EXPECT_EQ(Client(kAppKey), "app");
}

TEST_F(ApiKeyStoreTest, AnInvalidFileKeepsTheKeysInForce) {
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {R"([{"key": "k-new-0123456789abcdef", "name": "hotline-12345", "rate_per_second": 10}])",
       "[0].key: plaintext keys are not accepted"},
      {absl::StrCat("[", Entry("hotline-12345", kNewKey)), "not valid JSON"},
      {"[]", "no keys"},
      {absl::StrCat("[", Entry("Hotline", kNewKey), "]"), "[0].name: must be"},
  };
  for (const Case& c : cases) {
    WriteFile(path_, c.text);
    absl::Status status = store_->Reload(path_);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(status.message().find(absl::StrCat(path_, ": ", c.error)), std::string::npos) << status;
    EXPECT_EQ(status.message().find("k-new"), std::string::npos) << status;
    EXPECT_EQ(Client(kOldKey), "hotline-12345") << c.text;
    EXPECT_EQ(Client(kNewKey), "") << c.text;
  }
  std::filesystem::remove(path_);
  EXPECT_EQ(store_->Reload(path_).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Client(kOldKey), "hotline-12345");
}

TEST_F(ApiKeyStoreTest, FollowsTheFileAndReportsEachReload) {
  auto reloader = FollowKeyFile(store_.get(), path_, absl::ZeroDuration());
  double reloaded = Reloads("reloaded");
  double failed = Reloads("failed");
  EXPECT_FALSE(reloader->PollOnce());  // Unchanged since the keys were loaded.

  WriteFile(path_, R"([{"key": "k-new-0123456789abcdef", "name": "hotline-12345", "rate_per_second": 10}])");
  EXPECT_TRUE(reloader->PollOnce());
  EXPECT_EQ(Reloads("failed"), failed + 1);
  EXPECT_EQ(Client(kOldKey), "hotline-12345");

  WriteFile(path_, absl::StrCat("[", Entry("hotline-12345", kNewKey), "]"));
  EXPECT_TRUE(reloader->PollOnce());
  EXPECT_EQ(Reloads("reloaded"), reloaded + 1);
  EXPECT_EQ(Client(kOldKey), "");
  EXPECT_EQ(Client(kNewKey), "hotline-12345");
}

TEST_F(ApiKeyStoreTest, PollingPicksUpARotationWithoutBeingAsked) {
  auto reloader = FollowKeyFile(store_.get(), path_, absl::Milliseconds(20));
  WriteFile(path_, absl::StrCat("[", Entry("hotline-12345", kNewKey), "]"));
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Client(kNewKey).empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(Client(kNewKey), "hotline-12345");
  EXPECT_EQ(Client(kOldKey), "");
}

// Lookups racing key rotations: every lookup sees one whole key set, the old or the new, never neither nor both.
TEST_F(ApiKeyStoreTest, LookupsDuringRotationsSeeOneWholeKeySet) {
  auto old_keys = ApiKeys::FromJson(absl::StrCat("[", Entry("hotline-12345", kOldKey), "]"));
  auto new_keys =
      ApiKeys::FromJson(absl::StrCat("[", Entry("app", kAppKey), ",", Entry("hotline-12345", kNewKey), "]"));
  ASSERT_TRUE(old_keys.ok() && new_keys.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> lookups{0};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        std::shared_ptr<const ApiKeys> keys = store_->Current();
        const ApiKey* by_old = keys->Find(kOldKey);
        const ApiKey* by_new = keys->Find(kNewKey);
        if ((by_old == nullptr) == (by_new == nullptr)) ++torn;
        const ApiKey* found = by_old != nullptr ? by_old : by_new;
        if (found != nullptr && found->name != "hotline-12345") ++torn;
        ++lookups;
      }
    });
  }
  int rotations = 0;
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while ((lookups.load() < 2000 || rotations < 2000) && absl::Now() < deadline) {
    store_->Replace(rotations++ % 2 == 0 ? *new_keys : *old_keys);
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_GE(lookups.load(), 2000);
  EXPECT_GE(rotations, 2000);
  EXPECT_EQ(torn.load(), 0);
}

}  // namespace
}  // namespace gridcase::intake::open311
