#include "libs/registry/registry_holder.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/test_registry.h"

namespace gridcase::registry {
namespace {

using nlohmann::json;
using testing::SmallRegistryJson;

class RegistryHolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/registry_holder_test." + std::to_string(::getpid()) + ".json";
    Write(SmallRegistryJson());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  void Write(const json& document) {
    std::ofstream out(path_, std::ios::trunc);
    out << document.dump();
  }

  // The small registry with 翠苑's first grid renamed, to tell the two apart.
  static json Renamed(const std::string& name) {
    json document = SmallRegistryJson();
    document["grids"][0]["name"] = name;
    return document;
  }

  std::string path_;
};

TEST_F(RegistryHolderTest, LoadsAndReloads) {
  absl::StatusOr<std::unique_ptr<RegistryHolder>> holder = RegistryHolder::Load(path_);
  ASSERT_TRUE(holder.ok()) << holder.status();
  std::shared_ptr<const OrgRegistry> first = (*holder)->Get();
  EXPECT_EQ(first->FindGrid("330199001001001")->name(), "翠苑第一网格");
  EXPECT_EQ((*holder)->generation(), 0u);

  Write(Renamed("翠苑一号网格"));
  ASSERT_TRUE((*holder)->Reload(path_).ok());
  EXPECT_EQ((*holder)->Get()->FindGrid("330199001001001")->name(), "翠苑一号网格");
  EXPECT_EQ((*holder)->generation(), 1u);
  // A reader that took the old snapshot keeps a whole, working registry.
  EXPECT_EQ(first->FindGrid("330199001001001")->name(), "翠苑第一网格");
  EXPECT_EQ(first->LocatePoint(30.3025, 120.1025), "330199001001001");
}

TEST_F(RegistryHolderTest, BadFileKeepsTheCurrentRegistry) {
  absl::StatusOr<std::unique_ptr<RegistryHolder>> holder = RegistryHolder::Load(path_);
  ASSERT_TRUE(holder.ok()) << holder.status();
  std::shared_ptr<const OrgRegistry> before = (*holder)->Get();

  json broken = SmallRegistryJson();
  broken["communities"][1]["township_code"] = "330199099";
  Write(broken);
  absl::Status status = (*holder)->Reload(path_);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), path_ + ": communities[1].township_code: unknown township 330199099");
  EXPECT_EQ((*holder)->Get(), before);
  EXPECT_EQ((*holder)->generation(), 0u);

  {
    std::ofstream out(path_, std::ios::trunc);
    out << "{\"format\": \"gridcase.registry.v1\", ";  // Cut off mid-write.
  }
  EXPECT_FALSE((*holder)->Reload(path_).ok());
  EXPECT_EQ((*holder)->Get(), before);

  EXPECT_EQ((*holder)->Reload(path_ + ".missing").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*holder)->Get(), before);
  EXPECT_EQ((*holder)->Replace(nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*holder)->Get(), before);
}

TEST_F(RegistryHolderTest, LoadFailsOnABadFile) {
  json broken = SmallRegistryJson();
  broken["grids"][0]["code"] = "1";
  Write(broken);
  absl::StatusOr<std::unique_ptr<RegistryHolder>> holder = RegistryHolder::Load(path_);
  EXPECT_EQ(holder.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryHolderTest, ReadersSeeWholeRegistriesDuringReloads) {
  absl::StatusOr<std::unique_ptr<RegistryHolder>> holder = RegistryHolder::Load(path_);
  ASSERT_TRUE(holder.ok()) << holder.status();
  const std::string a_path = path_ + ".a";
  const std::string b_path = path_ + ".b";
  {
    std::ofstream(a_path) << Renamed("A").dump();
    std::ofstream(b_path) << Renamed("B").dump();
  }
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> a = LoadRegistry(a_path);
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> b = LoadRegistry(b_path);
  ASSERT_TRUE(a.ok() && b.ok());

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        std::shared_ptr<const OrgRegistry> registry = (*holder)->Get();
        const std::string& name = registry->FindGrid("330199001001001")->name();
        if (name != "A" && name != "B" && name != "翠苑第一网格") ++bad;
        if (registry->LocatePoint(30.3025, 120.1025) != "330199001001001") ++bad;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 200; ++i) ASSERT_TRUE((*holder)->Replace(i % 2 == 0 ? *a : *b).ok());
  ASSERT_TRUE((*holder)->Reload(a_path).ok());
  while (reads.load() < 100) std::this_thread::yield();
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ((*holder)->generation(), 201u);
  EXPECT_EQ((*holder)->Get()->FindGrid("330199001001001")->name(), "A");
  std::remove(a_path.c_str());
  std::remove(b_path.c_str());
}

}  // namespace
}  // namespace gridcase::registry
