#include "libs/privacy/redis_data_key_store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"

namespace gridcase::privacy {
namespace {

std::string KeyFile(const std::vector<std::pair<std::string, char>>& keys) {
  std::string list;
  for (const auto& [id, c] : keys) {
    absl::StrAppend(&list, list.empty() ? "" : ",", R"({"id": ")", id, R"(", "key": ")",
                    absl::Base64Escape(std::string(32, c)), R"("})");
  }
  return absl::StrCat(R"({"master_keys": [)", list, R"(], "index_key": ")", absl::Base64Escape(std::string(32, 'i')),
                      R"("})");
}

class RedisDataKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& infra = testing::TestInfra();
    auto client = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(client.ok()) << client.status();
    redis_ = *std::move(client);
    prefix_ = testing::UniqueName("privacytest") + ":";
  }
  RedisDataKeyStore Store(const std::vector<std::pair<std::string, char>>& keys) {
    return RedisDataKeyStore(redis_.get(), *MasterKeys::Parse(KeyFile(keys)), prefix_);
  }
  std::unique_ptr<redis::RedisClient> redis_;
  std::string prefix_;
};

TEST_F(RedisDataKeyStoreTest, KeysAreStoredWrappedAndErasedToATombstone) {
  RedisDataKeyStore store = Store({{"m1", 'a'}});
  auto key = store.Create("GC-1", {"tok-phone"});
  ASSERT_TRUE(key.ok()) << key.status();
  auto raw = redis_->Run({"HGET", store.CaseKeysKey("GC-1"), key->id});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->str.find(key->bytes), std::string::npos);
  EXPECT_EQ(raw->str.find(absl::Base64Escape(key->bytes)), std::string::npos);
  auto got = store.Get("GC-1", key->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state, KeyState::kLive);
  EXPECT_EQ(got->bytes, key->bytes);
  // Bound to its case: the wrapped bytes moved to another case do not unwrap.
  ASSERT_TRUE(redis_->Run({"HSET", store.CaseKeysKey("GC-2"), key->id, raw->str}).ok());
  EXPECT_EQ(store.Get("GC-2", key->id).status().code(), absl::StatusCode::kDataLoss);

  auto refs = store.KeysOfResident("tok-phone");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].case_id, "GC-1");
  EXPECT_EQ((*refs)[0].key_id, key->id);

  auto erased = store.Erase("GC-1", {});
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(*erased, std::vector<std::string>{key->id});
  EXPECT_EQ(store.Get("GC-1", key->id)->state, KeyState::kErased);
  EXPECT_EQ(redis_->Run({"HGET", store.CaseKeysKey("GC-1"), key->id})->str, "erased");
  // Idempotent.
  EXPECT_EQ(*store.Erase("GC-1", {key->id}), std::vector<std::string>{key->id});
  EXPECT_EQ(store.Get("GC-3", "dk-none")->state, KeyState::kMissing);
}

TEST_F(RedisDataKeyStoreTest, ErasingOneKeyLeavesTheOthersOfTheCase) {
  RedisDataKeyStore store = Store({{"m1", 'a'}});
  auto a = store.Create("GC-1", {});
  auto b = store.Create("GC-1", {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*store.Erase("GC-1", {a->id}), std::vector<std::string>{a->id});
  EXPECT_EQ(store.Get("GC-1", a->id)->state, KeyState::kErased);
  EXPECT_EQ(store.Get("GC-1", b->id)->state, KeyState::kLive);
}

TEST_F(RedisDataKeyStoreTest, MasterKeysRotateNewWrapsUseTheNewestOldOnesStillOpen) {
  RedisDataKeyStore old_store = Store({{"m1", 'a'}});
  auto old_key = old_store.Create("GC-1", {});
  ASSERT_TRUE(old_key.ok());
  RedisDataKeyStore rotated = Store({{"m1", 'a'}, {"m2", 'b'}});
  auto new_key = rotated.Create("GC-1", {});
  ASSERT_TRUE(new_key.ok());
  EXPECT_EQ(redis_->Run({"HGET", rotated.CaseKeysKey("GC-1"), new_key->id})->str.substr(0, 3), "m2:");
  EXPECT_EQ(rotated.Get("GC-1", old_key->id)->bytes, old_key->bytes);
  EXPECT_EQ(rotated.Get("GC-1", new_key->id)->bytes, new_key->bytes);
  RedisDataKeyStore without_m1 = Store({{"m2", 'b'}});
  auto lost = without_m1.Get("GC-1", old_key->id);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(lost.status().message().find(std::string(32, 'a')), std::string::npos);
}

}  // namespace
}  // namespace gridcase::privacy
