#include "libs/config/runtime_config.h"

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(int, replication_factor);
ABSL_DECLARE_FLAG(int, min_insync_replicas);

namespace gridcase::config {
namespace {

class ReplicationFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_replication_factor, 1);
    absl::SetFlag(&FLAGS_min_insync_replicas, 1);
  }
};

TEST_F(ReplicationFlagsTest, DefaultsSuitOneLocalBroker) {
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->replication_factor, 1);
  EXPECT_EQ(config->min_insync_replicas, 1);
}

TEST_F(ReplicationFlagsTest, ProductionValuesAreRead) {
  absl::SetFlag(&FLAGS_replication_factor, 3);
  absl::SetFlag(&FLAGS_min_insync_replicas, 2);
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->replication_factor, 3);
  EXPECT_EQ(config->min_insync_replicas, 2);
}

TEST_F(ReplicationFlagsTest, MoreInSyncReplicasThanReplicasIsRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_replication_factor, 2);
  absl::SetFlag(&FLAGS_min_insync_replicas, 3);
  auto config = LoadRuntimeConfig();
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message().rfind("--min_insync_replicas", 0), 0u) << config.status();
  absl::SetFlag(&FLAGS_replication_factor, 0);
  absl::SetFlag(&FLAGS_min_insync_replicas, 1);
  EXPECT_EQ(LoadRuntimeConfig().status().message().rfind("--replication_factor", 0), 0u);
}

}  // namespace
}  // namespace gridcase::config
