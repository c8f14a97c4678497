#include "services/audit/adapters/redis_parked_cases.h"

#include "gtest/gtest.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/testing/infra.h"

namespace gridcase::audit {
namespace {

kafka::Message RecordOf(const std::string& case_id, int64_t offset) {
  return {.topic = "gridcase.dispatch.v1", .partition = 0, .offset = offset, .key = case_id, .value = "event"};
}

TEST(RedisParkedCasesTest, ListsTheCasesParkedByEveryGroupUnderThePrefixOnce) {
  const testing::Infra& infra = testing::TestInfra();
  auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  ASSERT_TRUE(redis.ok()) << redis.status();
  std::string prefix = testing::UniqueName("parked") + ".";
  std::string other = testing::UniqueName("parked-other") + ".";
  parking::RedisParkingStore store(redis->get(), prefix);
  parking::RedisParkingStore other_store(redis->get(), other);
  using kafka::ParkedState;
  ASSERT_TRUE(store.ParkCase("dispatch-projector", RecordOf("GC-20261123-000001", 1), ParkedState::kHeld, "bad", true).ok());
  ASSERT_TRUE(store.ParkCase("sla", RecordOf("GC-20261123-000002", 2), ParkedState::kWaiting, "gap", false).ok());
  ASSERT_TRUE(store.ParkCase("sla", RecordOf("GC-20261123-000001", 3), ParkedState::kHeld, "bad", true).ok());
  ASSERT_TRUE(other_store.ParkCase("sla", RecordOf("GC-20261123-000005", 4), ParkedState::kHeld, "bad", true).ok());

  RedisParkedCases parked(redis->get(), prefix);
  auto ids = parked.List();
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::set<std::string>{"GC-20261123-000001", "GC-20261123-000002"}));

  RedisParkedCases none(redis->get(), testing::UniqueName("empty") + ".");
  auto empty = none.List();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace gridcase::audit
