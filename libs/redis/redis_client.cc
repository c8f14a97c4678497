#include "libs/redis/redis_client.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "hiredis.h"

namespace gridcase::redis {
namespace {

absl::StatusOr<Reply> CopyOut(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_NIL:
      out.type = Reply::Type::kNil;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      return absl::InternalError(absl::StrCat("redis: ", absl::string_view(r->str, r->len)));
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        auto element = CopyOut(r->element[i]);
        if (!element.ok()) return element.status();
        out.elements.push_back(*std::move(element));
      }
      break;
    default:
      return absl::InternalError(absl::StrCat("redis: unexpected reply type ", r->type));
  }
  return out;
}

}  // namespace

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  sha_ = absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

RedisOptions ForConsumerLanes(RedisOptions options) {
  options.connections = 2;
  options.group_commit = true;
  return options;
}

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Create(const RedisOptions& options) {
  if (options.connections < 1) return absl::InvalidArgumentError("redis: connections must be at least 1");
  if (options.max_batch_commands < 1) return absl::InvalidArgumentError("redis: max_batch_commands must be at least 1");
  auto client = std::unique_ptr<RedisClient>(new RedisClient(options));
  Connection& first = *client->connections_.front();
  std::lock_guard lock(first.mu);
  if (absl::Status s = client->ConnectLocked(first); !s.ok()) return s;
  return client;
}

RedisClient::RedisClient(const RedisOptions& options) : options_(options) {
  for (int i = 0; i < options.connections; ++i) connections_.push_back(std::make_unique<Connection>());
}

RedisClient::~RedisClient() {
  for (auto& connection : connections_) {
    if (connection->context != nullptr) redisFree(connection->context);
  }
}

std::unique_lock<std::mutex> RedisClient::Acquire(Connection** connection) {
  const size_t n = connections_.size();
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed) % n;
  for (size_t i = 0; i < n; ++i) {
    Connection& candidate = *connections_[(start + i) % n];
    std::unique_lock lock(candidate.mu, std::try_to_lock);
    if (lock.owns_lock()) {
      *connection = &candidate;
      return lock;
    }
  }
  *connection = connections_[start].get();
  return std::unique_lock((*connection)->mu);
}

absl::Status RedisClient::ConnectLocked(Connection& connection) {
  redisContext*& context = connection.context;
  if (context != nullptr) {
    redisFree(context);
    context = nullptr;
  }
  redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port, absl::ToTimeval(options_.connect_timeout));
  if (c == nullptr) return absl::UnavailableError("redis: cannot allocate context");
  if (c->err != 0) {
    std::string error = c->errstr;
    redisFree(c);
    return absl::UnavailableError(absl::StrCat("redis: connect ", options_.host, ":", options_.port, ": ", error));
  }
  redisSetTimeout(c, absl::ToTimeval(options_.command_timeout));
  if (!options_.password.empty()) {
    auto* reply = static_cast<redisReply*>(
        options_.user.empty() ? redisCommand(c, "AUTH %b", options_.password.data(), options_.password.size())
                              : redisCommand(c, "AUTH %b %b", options_.user.data(), options_.user.size(),
                                             options_.password.data(), options_.password.size()));
    if (reply == nullptr) {
      std::string error = c->errstr;
      redisFree(c);
      return absl::UnavailableError(absl::StrCat("redis: AUTH to ", options_.host, ":", options_.port, ": ", error));
    }
    const bool refused = reply->type == REDIS_REPLY_ERROR;
    std::string message = refused ? std::string(reply->str, reply->len) : std::string();
    freeReplyObject(reply);
    if (refused) {
      redisFree(c);
      return absl::UnauthenticatedError(absl::StrCat(
          "redis: ", options_.host, ":", options_.port, " refused AUTH as user '",
          options_.user.empty() ? "default" : options_.user, "': ", message,
          " (check --redis_user and --redis_password_file)"));
    }
  }
  context = c;
  return absl::OkStatus();
}

absl::StatusOr<RedisClient::CommandReplies> RedisClient::SendEachLocked(Connection& connection,
                                                                        const std::vector<const Command*>& commands) {
  redisContext*& context = connection.context;
  if (context == nullptr) {
    if (absl::Status s = ConnectLocked(connection); !s.ok()) return s;
  }
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const Command* command : commands) {
    argv.clear();
    argvlen.clear();
    for (const std::string& arg : *command) {
      argv.push_back(arg.data());
      argvlen.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(), argvlen.data()) != REDIS_OK) {
      return absl::UnavailableError(absl::StrCat("redis: ", context->errstr));
    }
  }
  CommandReplies replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
      std::string error = context->errstr;
      redisFree(context);
      context = nullptr;
      return absl::UnavailableError(absl::StrCat("redis: ", error));
    }
    auto* reply = static_cast<redisReply*>(raw);
    replies.push_back(CopyOut(reply));
    freeReplyObject(reply);
  }
  return replies;
}

absl::StatusOr<std::vector<Reply>> RedisClient::SendLocked(Connection& connection,
                                                           const std::vector<Command>& commands) {
  std::vector<const Command*> pointers;
  pointers.reserve(commands.size());
  for (const Command& command : commands) pointers.push_back(&command);
  auto each = SendEachLocked(connection, pointers);
  if (!each.ok()) return each.status();
  std::vector<Reply> replies;
  replies.reserve(each->size());
  for (absl::StatusOr<Reply>& reply : *each) {
    if (!reply.ok()) return reply.status();
    replies.push_back(*std::move(reply));
  }
  return replies;
}

void RedisClient::Commit(const std::vector<Pending*>& batch) {
  std::vector<const Command*> commands;
  for (const Pending* call : batch) {
    for (const Command& command : *call->commands) commands.push_back(&command);
  }
  absl::StatusOr<CommandReplies> replies;
  {
    Connection* connection = nullptr;
    std::unique_lock lock = Acquire(&connection);
    replies = SendEachLocked(*connection, commands);
    if (replies.status().code() == absl::StatusCode::kUnavailable) {
      if (absl::Status s = ConnectLocked(*connection); !s.ok()) {
        replies = s;
      } else {
        replies = SendEachLocked(*connection, commands);
      }
    }
  }
  size_t next = 0;
  for (Pending* call : batch) {
    const size_t count = call->commands->size();
    if (!replies.ok()) {
      call->result = replies.status();
      continue;
    }
    std::vector<Reply> own;
    own.reserve(count);
    absl::Status error;
    for (size_t i = next; i < next + count; ++i) {
      absl::StatusOr<Reply>& reply = (*replies)[i];
      if (!reply.ok()) {
        if (error.ok()) error = reply.status();
        continue;
      }
      own.push_back(*std::move(reply));
    }
    next += count;
    if (error.ok()) {
      call->result = std::move(own);
    } else {
      call->result = error;
    }
  }
}

absl::StatusOr<std::vector<Reply>> RedisClient::GroupPipeline(const std::vector<Command>& commands) {
  Pending own{.commands = &commands};
  std::unique_lock lock(batch_mu_);
  queue_.push_back(&own);
  const int most = static_cast<int>(connections_.size());
  while (!own.done) {
    if (committers_ < most && !queue_.empty()) {
      // This caller commits what waits (its own call among it, unless another committer took that already).
      ++committers_;
      std::vector<Pending*> batch;
      size_t commands_in_batch = 0;
      while (!queue_.empty()) {
        size_t size = queue_.front()->commands->size();
        if (!batch.empty() && commands_in_batch + size > static_cast<size_t>(options_.max_batch_commands)) break;
        batch.push_back(queue_.front());
        commands_in_batch += size;
        queue_.pop_front();
      }
      lock.unlock();
      Commit(batch);
      lock.lock();
      --committers_;
      for (Pending* call : batch) {
        call->done = true;
        if (call != &own) call->wake.notify_one();
      }
      // The oldest waiting call commits next (with whatever joined it meanwhile).
      if (!queue_.empty()) queue_.front()->wake.notify_one();
      continue;
    }
    own.wake.wait(lock);
  }
  return std::move(own.result);
}

absl::StatusOr<std::vector<Reply>> RedisClient::Pipeline(const std::vector<Command>& commands) {
  if (options_.group_commit) return GroupPipeline(commands);
  Connection* connection = nullptr;
  std::unique_lock lock = Acquire(&connection);
  auto replies = SendLocked(*connection, commands);
  if (replies.status().code() == absl::StatusCode::kUnavailable) {
    if (absl::Status s = ConnectLocked(*connection); !s.ok()) return s;
    replies = SendLocked(*connection, commands);
  }
  return replies;
}

absl::StatusOr<Reply> RedisClient::Run(const Command& command) {
  auto replies = Pipeline({command});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<Reply> RedisClient::Eval(const Script& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  Command command = {"EVALSHA", script.sha(), absl::StrCat(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = Run(command);
  if (reply.ok() || reply.status().message().find("NOSCRIPT") == absl::string_view::npos) return reply;
  auto loaded = Run({"SCRIPT", "LOAD", script.source()});
  if (!loaded.ok()) return loaded.status();
  return Run(command);
}

}  // namespace gridcase::redis
