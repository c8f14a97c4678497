#include "services/audit/adapters/redis_parked_cases.h"

#include "gtest/gtest.h"
#include "libs/testing/infra.h"

namespace gridcase::audit {
namespace {

TEST(RedisParkedCasesTest, ListsTheCaseIdsOfParkedKeysUnderThePrefix) {
  const testing::Infra& infra = testing::TestInfra();
  auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  ASSERT_TRUE(redis.ok()) << redis.status();
  std::string prefix = testing::UniqueName("parked") + ".";
  std::string other = testing::UniqueName("parked-other") + ".";
  for (const std::string& key : {prefix + "parked:GC-20261123-000001", prefix + "parked:dispatch:GC-20261123-000002",
                                 prefix + "parked:case:{GC-20261123-000003}", prefix + "parked:count",
                                 prefix + "dispatch:case:{GC-20261123-000004}",
                                 other + "parked:GC-20261123-000005"}) {
    ASSERT_TRUE((*redis)->Run({"SET", key, "x"}).ok());
  }
  RedisParkedCases parked(redis->get(), prefix);
  auto ids = parked.List();
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::set<std::string>{"GC-20261123-000001", "GC-20261123-000002", "GC-20261123-000003"}));

  RedisParkedCases none(redis->get(), testing::UniqueName("empty") + ".");
  EXPECT_TRUE(none.List()->empty());
}

}  // namespace
}  // namespace gridcase::audit
