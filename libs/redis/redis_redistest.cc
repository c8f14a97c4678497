#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"

namespace gridcase::redis {
namespace {

std::unique_ptr<RedisClient> Connect() {
  const auto& infra = testing::TestInfra();
  auto client = RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

TEST(RedisClientTest, RunsBinarySafeCommands) {
  auto client = Connect();
  std::string key = testing::UniqueName("redistest:bin");
  std::string value("a\0b\r\nc", 6);
  ASSERT_TRUE(client->Run({"SET", key, value}).ok());
  auto got = client->Run({"GET", key});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->type, Reply::Type::kString);
  EXPECT_EQ(got->str, value);
  auto missing = client->Run({"GET", key + ":missing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST(RedisClientTest, PipelineReturnsRepliesInOrder) {
  auto client = Connect();
  std::string key = testing::UniqueName("redistest:pipe");
  std::vector<Command> commands;
  for (int i = 0; i < 100; ++i) commands.push_back({"INCR", key});
  auto replies = client->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ((*replies)[i].integer, i + 1);
}

TEST(RedisClientTest, ErrorReplyIsInternalWithServerMessage) {
  auto client = Connect();
  std::string key = testing::UniqueName("redistest:err");
  ASSERT_TRUE(client->Run({"SET", key, "text"}).ok());
  auto reply = client->Run({"INCR", key});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(reply.status().message().find("not an integer"), absl::string_view::npos);
}

TEST(RedisClientTest, EvalLoadsScriptAfterFlush) {
  auto client = Connect();
  Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  std::string key = testing::UniqueName("redistest:lua");
  auto first = client->Eval(script, {key}, {"5"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->integer, 5);
  ASSERT_TRUE(client->Run({"SCRIPT", "FLUSH"}).ok());
  auto second = client->Eval(script, {key}, {"2"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->integer, 7);
}

TEST(RedisClientTest, ReconnectsAfterServerClosesConnection) {
  auto client = Connect();
  auto id = client->Run({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok());
  auto killer = Connect();
  ASSERT_TRUE(killer->Run({"CLIENT", "KILL", "ID", std::to_string(id->integer)}).ok());
  auto pong = client->Run({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->str, "PONG");
}

TEST(RedisClientTest, UnreachableServerIsUnavailable) {
  auto client = RedisClient::Create({.host = "127.0.0.1", .port = 1});
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace gridcase::redis
