#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/redis/reply.h"

struct redisContext;

namespace gridcase::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Seconds(2);
  absl::Duration command_timeout = absl::Seconds(5);
  // Connections the client may open: up to this many calls run at once, each on its own connection. The first is
  // opened by Create, the others when concurrent calls first need them.
  int connections = 1;
  // Group commit: a call that finds every connection busy waits, and the calls waiting when a connection comes free
  // go to the server together as one pipeline (one write, one round trip), each answered with its own replies.
  // Calls keep their order per thread (a thread waits for its call); a script still runs atomically on the server.
  bool group_commit = false;
  // Most commands one group-committed pipeline carries (a call's commands are never split).
  int max_batch_commands = 512;
  // The ACL user and password every connection authenticates with (AUTH) as soon as it is opened, reconnections
  // included. An empty password: no AUTH; an empty user with a password: Redis's `default` user.
  std::string user;
  std::string password;
};

// `options` for the client a case-topic consumer's lanes share (kafka::Consumer::RunByCase): two connections, group
// commit, so the lanes' calls go to Redis together.
RedisOptions ForConsumerLanes(RedisOptions options);

// A Lua script run by its SHA1 (EVALSHA), loaded on first use and again after the server forgot it (NOSCRIPT).
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

using Command = std::vector<std::string>;

// A client of one Redis server over up to RedisOptions::connections connections. Thread-safe: each call (one command,
// a pipeline, a script) runs on one connection, which it has to itself; calls from one thread run in order, calls
// from different threads may run at once. Binary-safe arguments.
//
// On a connection error the client reconnects and sends the command once more, so a command may reach the server
// twice: gridcase sends only idempotent writes (SET NX, version-checked scripts). Error replies are INTERNAL with the
// server's message; connection failures are UNAVAILABLE (retryable).
class RedisClient {
 public:
  // INVALID_ARGUMENT when options.connections < 1; UNAVAILABLE when the first connection cannot be opened;
  // UNAUTHENTICATED, naming --redis_user and --redis_password_file, when the server refuses the user and password
  // (also from any later call that has to reconnect).
  static absl::StatusOr<std::unique_ptr<RedisClient>> Create(const RedisOptions& options);
  ~RedisClient();

  absl::StatusOr<Reply> Run(const Command& command);
  // Sends all commands in one round trip; replies in order. Fails as a whole if any reply is an error.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<Command>& commands);
  absl::StatusOr<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

 private:
  struct Connection {
    std::mutex mu;
    redisContext* context = nullptr;  // Guarded by mu; null until connected or after a connection error.
  };
  // One call waiting for a group commit.
  struct Pending {
    const std::vector<Command>* commands;
    absl::StatusOr<std::vector<Reply>> result = absl::UnknownError("not committed");
    bool done = false;  // Guarded by batch_mu_.
    std::condition_variable wake;  // Signalled when done, or when the call may commit what waits.
  };
  using CommandReplies = std::vector<absl::StatusOr<Reply>>;

  explicit RedisClient(const RedisOptions& options);
  // A connection locked for the caller: a free one if there is one, else the next in turn, waited for.
  std::unique_lock<std::mutex> Acquire(Connection** connection);
  absl::Status ConnectLocked(Connection& connection);
  absl::StatusOr<std::vector<Reply>> SendLocked(Connection& connection, const std::vector<Command>& commands);
  // Sends the commands in one round trip: each command's reply or error reply; a connection failure as a whole.
  absl::StatusOr<CommandReplies> SendEachLocked(Connection& connection, const std::vector<const Command*>& commands);
  // Pipeline by group commit (RedisOptions::group_commit).
  absl::StatusOr<std::vector<Reply>> GroupPipeline(const std::vector<Command>& commands);
  // Sends the calls of `batch` as one pipeline on a free connection and gives each its replies.
  void Commit(const std::vector<Pending*>& batch);

  RedisOptions options_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::atomic<unsigned> next_{0};
  std::mutex batch_mu_;
  std::deque<Pending*> queue_;  // Guarded by batch_mu_: calls waiting for a group commit, oldest first.
  int committers_ = 0;          // Guarded by batch_mu_: group commits in flight (at most one per connection).
};

}  // namespace gridcase::redis
