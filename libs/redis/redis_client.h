#pragma once

#include <atomic>
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
  // The ACL user and password every connection authenticates with (AUTH) as soon as it is opened, reconnections
  // included. An empty password: no AUTH; an empty user with a password: Redis's `default` user.
  std::string user;
  std::string password;
};

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

  explicit RedisClient(const RedisOptions& options);
  // A connection locked for the caller: a free one if there is one, else the next in turn, waited for.
  std::unique_lock<std::mutex> Acquire(Connection** connection);
  absl::Status ConnectLocked(Connection& connection);
  absl::StatusOr<std::vector<Reply>> SendLocked(Connection& connection, const std::vector<Command>& commands);

  RedisOptions options_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::atomic<unsigned> next_{0};
};

}  // namespace gridcase::redis
