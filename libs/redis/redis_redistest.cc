#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
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

TEST(RedisClientTest, AtLeastOneConnection) {
  const auto& infra = testing::TestInfra();
  auto client = RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port, .connections = 0});
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
}

// Calls from different threads run on different connections: three blocking pops wait on the server while a fourth
// call, from the test thread, pushes what they wait for. On one connection the push would queue behind the pops and
// they would time out empty.
TEST(RedisClientTest, ConcurrentCallsRunOnTheirOwnConnections) {
  const auto& infra = testing::TestInfra();
  auto client = RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port, .connections = 4});
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string key = testing::UniqueName("redistest:pool");
  std::vector<std::string> popped(3);
  std::vector<std::thread> poppers;
  for (int i = 0; i < 3; ++i) {
    poppers.emplace_back([&, i] {
      auto reply = (*client)->Run({"BLPOP", key, "20"});
      if (reply.ok() && reply->type == Reply::Type::kArray && reply->elements.size() == 2) {
        popped[i] = reply->elements[1].str;
      }
    });
  }
  // Wait until the three pops are blocked on the server (CLIENT LIST shows them), then push.
  for (int attempt = 0; attempt < 500; ++attempt) {
    auto clients = (*client)->Run({"CLIENT", "LIST"});
    ASSERT_TRUE(clients.ok()) << clients.status();
    size_t blocked = 0;
    for (size_t at = clients->str.find("cmd=blpop"); at != std::string::npos;
         at = clients->str.find("cmd=blpop", at + 1)) {
      ++blocked;
    }
    if (blocked >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE((*client)->Run({"RPUSH", key, "a", "b", "c"}).ok());
  for (std::thread& t : poppers) t.join();
  std::sort(popped.begin(), popped.end());
  EXPECT_EQ(popped, (std::vector<std::string>{"a", "b", "c"}));
}

// Group commit: many threads on one connection, their calls sent together. Each call gets its own replies, in its
// own order; an error reply fails only the call it belongs to; scripts run as scripts.
TEST(RedisClientTest, GroupCommitGivesEachCallItsOwnReplies) {
  const auto& infra = testing::TestInfra();
  auto client = RedisClient::Create(
      {.host = infra.redis.host, .port = infra.redis.port, .connections = 1, .group_commit = true,
       .max_batch_commands = 16});
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string prefix = testing::UniqueName("redistest:group");
  const std::string text_key = prefix + ":text";
  ASSERT_TRUE((*client)->Run({"SET", text_key, "not a number"}).ok());
  Script add("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  constexpr int kThreads = 24;
  constexpr int kRounds = 150;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = absl::StrCat(prefix, ":", t);
      for (int i = 1; i <= kRounds; ++i) {
        auto replies = (*client)->Pipeline({{"SET", own, absl::StrCat(i)}, {"GET", own}, {"INCR", own}});
        if (!replies.ok() || replies->size() != 3 || (*replies)[1].str != absl::StrCat(i) ||
            (*replies)[2].integer != i + 1) {
          failures[t] = absl::StrCat("pipeline round ", i, ": ", replies.status().ToString());
          return;
        }
        auto added = (*client)->Eval(add, {own}, {"10"});
        if (!added.ok() || added->integer != i + 11) {
          failures[t] = absl::StrCat("script round ", i, ": ", added.status().ToString());
          return;
        }
        if (i % 10 == 0) {
          auto refused = (*client)->Pipeline({{"GET", own}, {"INCR", text_key}});
          if (refused.status().code() != absl::StatusCode::kInternal) {
            failures[t] = absl::StrCat("error round ", i, ": ", refused.status().ToString());
            return;
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
}

TEST(RedisClientTest, GroupCommitReconnectsAfterServerClosesConnection) {
  const auto& infra = testing::TestInfra();
  auto client = RedisClient::Create(
      {.host = infra.redis.host, .port = infra.redis.port, .connections = 1, .group_commit = true});
  ASSERT_TRUE(client.ok()) << client.status();
  auto id = (*client)->Run({"CLIENT", "ID"});
  ASSERT_TRUE(id.ok());
  auto killer = Connect();
  ASSERT_TRUE(killer->Run({"CLIENT", "KILL", "ID", std::to_string(id->integer)}).ok());
  auto pong = (*client)->Run({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->str, "PONG");
}

}  // namespace
}  // namespace gridcase::redis
