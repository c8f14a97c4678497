#include "services/sla/adapters/redis_timer_store.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gridcase::sla {
namespace {

// Arms args[first .. first + 2n - 1], (score, member) pairs, and cancels the members args[first + 2n .. last]. A
// claimed timer is its claimer's: arming keeps the time aside (rearm) for when the claim ends. Returns the number of
// timers newly added to the pending set.
constexpr char kApplyTimersFunction[] = R"lua(
local function apply_timers(pending, claimed, rearm, args, first, n, last)
  local added = 0
  for i = first, first + 2 * n - 1, 2 do
    if redis.call('ZSCORE', claimed, args[i + 1]) then
      redis.call('HSET', rearm, args[i + 1], args[i])
    else
      added = added + redis.call('ZADD', pending, args[i], args[i + 1])
    end
  end
  local kept = redis.call('EXISTS', rearm) == 1
  for i = first + 2 * n, last do
    redis.call('ZREM', pending, args[i])
    if kept then redis.call('HDEL', rearm, args[i]) end
  end
  return added
end
)lua";

// KEYS: pending, claimed, rearm. ARGV: n, then n (score, member) pairs to arm, then members to cancel.
const redis::Script& ApplyScript() {
  static const auto* script = new redis::Script(absl::StrCat(
      kApplyTimersFunction, "return apply_timers(KEYS[1], KEYS[2], KEYS[3], ARGV, 2, tonumber(ARGV[1]), #ARGV)\n"));
  return *script;
}

// KEYS: pending, claimed, rearm, due index, case hash. ARGV: version, n arms, c cancels, then the n (score, member)
// pairs to arm, the c members to cancel, and (score or '' to remove, member) pairs of the due index. Applies them in
// that order, then marks the version's effects done if the case is still at it; a failure on the way leaves it
// undone. Returns the number of timers newly armed.
const redis::Script& CompleteScript() {
  static const auto* script = new redis::Script(absl::StrCat(kApplyTimersFunction, R"lua(
local n, c = tonumber(ARGV[2]), tonumber(ARGV[3])
local added = apply_timers(KEYS[1], KEYS[2], KEYS[3], ARGV, 4, n, 3 + 2 * n + c)
for i = 4 + 2 * n + c, #ARGV, 2 do
  if ARGV[i] == '' then
    redis.call('ZREM', KEYS[4], ARGV[i + 1])
  else
    redis.call('ZADD', KEYS[4], ARGV[i], ARGV[i + 1])
  end
end
if redis.call('HGET', KEYS[5], 'version') == ARGV[1] then redis.call('HSET', KEYS[5], 'done', ARGV[1]) end
return added
)lua"));
  return *script;
}

// KEYS: pending, claimed. ARGV: (score, member) pairs. Arms those neither pending nor claimed; returns them.
const redis::Script& ArmMissingScript() {
  static const auto* script = new redis::Script(R"lua(
local armed = {}
for i = 1, #ARGV, 2 do
  local member = ARGV[i + 1]
  if not redis.call('ZSCORE', KEYS[1], member) and not redis.call('ZSCORE', KEYS[2], member) then
    redis.call('ZADD', KEYS[1], ARGV[i], member)
    armed[#armed + 1] = member
  end
end
return armed
)lua");
  return *script;
}

// KEYS: pending, claimed, intents, rearm. ARGV: now (ms), limit, lease expiry (ms).
// Expired claims become pending again, due now; then up to `limit` due timers move to the claimed set, each with an
// intent recorded at `now` unless one stands already. Returns [member, score, earlier claim or '', ...].
const redis::Script& ClaimScript() {
  static const auto* script = new redis::Script(R"lua(
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(expired) do
  redis.call('ZREM', KEYS[2], member)
  redis.call('HDEL', KEYS[4], member)
  redis.call('ZADD', KEYS[1], ARGV[1], member)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local claimed = {}
for i = 1, #due, 2 do
  local member = due[i]
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZADD', KEYS[2], ARGV[3], member)
  local earlier = redis.call('HGET', KEYS[3], member)
  if not earlier then
    redis.call('HSET', KEYS[3], member, ARGV[1])
    earlier = ''
  end
  claimed[#claimed + 1] = member
  claimed[#claimed + 1] = due[i + 1]
  claimed[#claimed + 1] = earlier
end
return claimed
)lua");
  return *script;
}

// KEYS: pending, claimed, intents, rearm. ARGV: lease expiry (ms) of the claims, then members.
// Ends the claims still held under that lease: the intent goes; a time kept aside by arming makes the timer pending.
const redis::Script& AckScript() {
  static const auto* script = new redis::Script(R"lua(
for i = 2, #ARGV do
  local member = ARGV[i]
  if tonumber(redis.call('ZSCORE', KEYS[2], member)) == tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[2], member)
    redis.call('HDEL', KEYS[3], member)
    local again = redis.call('HGET', KEYS[4], member)
    if again then
      redis.call('HDEL', KEYS[4], member)
      redis.call('ZADD', KEYS[1], again, member)
    end
  end
end
return 0
)lua");
  return *script;
}

// KEYS: pending, claimed, intents, rearm. ARGV: lease expiry (ms) of the claims, then (score, member, keep intent)
// triples. A claim still held under that lease goes back to pending at its new score, or earlier if arming asked.
const redis::Script& ReleaseScript() {
  static const auto* script = new redis::Script(R"lua(
for i = 2, #ARGV, 3 do
  local member = ARGV[i + 1]
  if tonumber(redis.call('ZSCORE', KEYS[2], member)) == tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[2], member)
    local score = tonumber(ARGV[i])
    local again = redis.call('HGET', KEYS[4], member)
    if again then
      redis.call('HDEL', KEYS[4], member)
      score = math.min(score, tonumber(again))
    end
    redis.call('ZADD', KEYS[1], score, member)
    if ARGV[i + 2] == '0' then redis.call('HDEL', KEYS[3], member) end
  end
end
return 0
)lua");
  return *script;
}

absl::StatusOr<absl::Time> ParseScore(const std::string& text) {
  double score = 0;
  if (!absl::SimpleAtod(text, &score)) return absl::DataLossError(absl::StrCat("timer score '", text, "'"));
  return absl::FromUnixMillis(std::llround(score));
}

// Runs EVALSHA commands in one round trip, loading the script once if the server does not know it.
absl::StatusOr<std::vector<redis::Reply>> PipelineScript(redis::RedisClient& redis, const redis::Script& script,
                                                         const std::vector<redis::Command>& commands) {
  auto replies = redis.Pipeline(commands);
  if (replies.ok() || replies.status().message().find("NOSCRIPT") == absl::string_view::npos) return replies;
  auto loaded = redis.Run({"SCRIPT", "LOAD", script.source()});
  if (!loaded.ok()) return loaded.status();
  return redis.Pipeline(commands);
}

}  // namespace

int64_t CeilUnixMillis(absl::Time t) {
  const int64_t floor = absl::ToUnixMillis(t);
  return absl::FromUnixMillis(floor) < t ? floor + 1 : floor;
}

absl::StatusOr<int64_t> RedisTimerStore::Apply(const std::vector<std::pair<std::string, absl::Time>>& arm,
                                               const std::vector<std::string>& cancel) {
  if (arm.empty() && cancel.empty()) return 0;
  const redis::Script& script = ApplyScript();
  std::vector<redis::Command> commands;
  auto header = [&](size_t armed) {
    return redis::Command{"EVALSHA", script.sha(), "3", keys_.Timers(), keys_.Claimed(), keys_.Rearm(),
                          absl::StrCat(armed)};
  };
  for (size_t begin = 0; begin < arm.size(); begin += kArmChunk) {
    const size_t end = std::min(arm.size(), begin + kArmChunk);
    redis::Command command = header(end - begin);
    for (size_t i = begin; i < end; ++i) {
      command.push_back(absl::StrCat(CeilUnixMillis(arm[i].second)));
      command.push_back(arm[i].first);
    }
    commands.push_back(std::move(command));
  }
  for (size_t begin = 0; begin < cancel.size(); begin += kArmChunk) {
    const size_t end = std::min(cancel.size(), begin + kArmChunk);
    redis::Command command = header(0);
    command.insert(command.end(), cancel.begin() + begin, cancel.begin() + end);
    commands.push_back(std::move(command));
  }
  auto replies = PipelineScript(*redis_, script, commands);
  if (!replies.ok()) return replies.status();
  int64_t added = 0;
  for (const redis::Reply& reply : *replies) added += reply.integer;
  return added;
}

absl::StatusOr<int64_t> RedisClockEffects::Complete(const std::string& case_id, int64_t version,
                                                    const std::vector<std::pair<std::string, absl::Time>>& arm,
                                                    const std::vector<std::string>& cancel,
                                                    const std::vector<DueEntry>& due) {
  std::vector<std::string> args = {absl::StrCat(version), absl::StrCat(arm.size()), absl::StrCat(cancel.size())};
  args.reserve(3 + 2 * arm.size() + cancel.size() + 2 * due.size());
  for (const auto& [member, at] : arm) {
    args.push_back(absl::StrCat(CeilUnixMillis(at)));
    args.push_back(member);
  }
  args.insert(args.end(), cancel.begin(), cancel.end());
  for (const DueEntry& entry : due) {
    args.push_back(entry.due.has_value() ? absl::StrCat(absl::ToUnixMillis(*entry.due)) : "");
    args.push_back(entry.member);
  }
  auto reply = redis_->Eval(CompleteScript(),
                            {keys_.Timers(), keys_.Claimed(), keys_.Rearm(), keys_.Due(), keys_.Case(case_id)}, args);
  if (!reply.ok()) return reply.status();
  return reply->integer;
}

absl::StatusOr<std::vector<std::string>> RedisTimerStore::ArmMissing(
    const std::vector<std::pair<std::string, absl::Time>>& arm) {
  std::vector<std::string> armed;
  for (size_t begin = 0; begin < arm.size(); begin += kArmChunk) {
    const size_t end = std::min(arm.size(), begin + kArmChunk);
    std::vector<std::string> args;
    for (size_t i = begin; i < end; ++i) {
      args.push_back(absl::StrCat(CeilUnixMillis(arm[i].second)));
      args.push_back(arm[i].first);
    }
    auto reply = redis_->Eval(ArmMissingScript(), {keys_.Timers(), keys_.Claimed()}, args);
    if (!reply.ok()) return reply.status();
    for (const redis::Reply& member : reply->elements) armed.push_back(member.str);
  }
  return armed;
}

absl::StatusOr<std::vector<ClaimedTimer>> RedisTimerStore::Claim(absl::Time now, int limit, absl::Time lease_until) {
  auto reply = redis_->Eval(
      ClaimScript(), {keys_.Timers(), keys_.Claimed(), keys_.Intents(), keys_.Rearm()},
      {absl::StrCat(absl::ToUnixMillis(now)), absl::StrCat(limit), absl::StrCat(CeilUnixMillis(lease_until))});
  if (!reply.ok()) return reply.status();
  std::vector<ClaimedTimer> claimed;
  claimed.reserve(reply->elements.size() / 3);
  for (size_t i = 0; i + 2 < reply->elements.size(); i += 3) {
    absl::StatusOr<absl::Time> due = ParseScore(reply->elements[i + 1].str);
    if (!due.ok()) return due.status();
    ClaimedTimer timer{reply->elements[i].str, *due, std::nullopt};
    if (const std::string& earlier = reply->elements[i + 2].str; !earlier.empty()) {
      absl::StatusOr<absl::Time> at = ParseScore(earlier);
      if (!at.ok()) return at.status();
      timer.earlier_claim = *at;
    }
    claimed.push_back(std::move(timer));
  }
  return claimed;
}

absl::Status RedisTimerStore::Ack(const std::vector<std::string>& members, absl::Time lease_until) {
  if (members.empty()) return absl::OkStatus();
  std::vector<std::string> args = {absl::StrCat(CeilUnixMillis(lease_until))};
  args.insert(args.end(), members.begin(), members.end());
  return redis_->Eval(AckScript(), {keys_.Timers(), keys_.Claimed(), keys_.Intents(), keys_.Rearm()}, args).status();
}

absl::Status RedisTimerStore::Release(const std::vector<ReleasedTimer>& timers, absl::Time lease_until) {
  if (timers.empty()) return absl::OkStatus();
  std::vector<std::string> args = {absl::StrCat(CeilUnixMillis(lease_until))};
  for (const ReleasedTimer& timer : timers) {
    args.push_back(absl::StrCat(CeilUnixMillis(timer.at)));
    args.push_back(timer.member);
    args.push_back(timer.maybe_published ? "1" : "0");
  }
  return redis_->Eval(ReleaseScript(), {keys_.Timers(), keys_.Claimed(), keys_.Intents(), keys_.Rearm()}, args)
      .status();
}

absl::StatusOr<std::optional<absl::Time>> RedisTimerStore::NextDue() {
  auto reply = redis_->Run({"ZRANGE", keys_.Timers(), "0", "0", "WITHSCORES"});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() < 2) return std::nullopt;
  absl::StatusOr<absl::Time> due = ParseScore(reply->elements[1].str);
  if (!due.ok()) return due.status();
  return *due;
}

absl::StatusOr<int64_t> RedisTimerStore::Count() {
  auto replies = redis_->Pipeline({{"ZCARD", keys_.Timers()}, {"ZCARD", keys_.Claimed()}});
  if (!replies.ok()) return replies.status();
  return (*replies)[0].integer + (*replies)[1].integer;
}

}  // namespace gridcase::sla
