#pragma once

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

// One connection to a Redis server. Thread-safe (calls are serialised); binary-safe arguments.
//
// On a connection error the client reconnects and sends the command once more, so a command may reach the server
// twice: gridcase sends only idempotent writes (SET NX, version-checked scripts). Error replies are INTERNAL with the
// server's message; connection failures are UNAVAILABLE (retryable).
class RedisClient {
 public:
  static absl::StatusOr<std::unique_ptr<RedisClient>> Create(const RedisOptions& options);
  ~RedisClient();

  absl::StatusOr<Reply> Run(const Command& command);
  // Sends all commands in one round trip; replies in order. Fails as a whole if any reply is an error.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<Command>& commands);
  absl::StatusOr<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

 private:
  explicit RedisClient(const RedisOptions& options);
  absl::Status ConnectLocked();
  absl::StatusOr<std::vector<Reply>> SendLocked(const std::vector<Command>& commands);

  RedisOptions options_;
  std::mutex mu_;
  redisContext* context_ = nullptr;
};

}  // namespace gridcase::redis
