#include "services/feedback/adapters/redis_feedback_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"

namespace gridcase::feedback {
namespace {

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }
absl::Time FromMs(int64_t ms) { return absl::FromUnixMillis(ms); }

// Opens a rating slot: ARGV[i..i+7] = slot key, schedule key, cycle, resolved_at, deadline, resolver, member, ttl.
constexpr char kOpenSlotFunction[] = R"lua(
local function open_slot(a, i)
  local cur = tonumber(redis.call('HGET', a[i], 'cycle') or '0')
  if cur >= tonumber(a[i + 2]) then return 0 end
  redis.call('DEL', a[i])
  redis.call('HSET', a[i], 'cycle', a[i + 2], 'resolved_at', a[i + 3], 'deadline', a[i + 4], 'resolver', a[i + 5],
             'state', 'open', 'failures', '0')
  redis.call('EXPIRE', a[i], a[i + 7])
  redis.call('ZADD', a[i + 1], a[i + 4], a[i + 6])
  return 1
end
)lua";

// KEYS: case state. ARGV: expected rev, new rev, state bytes, then the counter groups (count; each: rows key, row,
// stats key, field count, field/delta pairs), set additions (count; key, score, member), removals (count; key,
// member), the slot to open ('0', or '1' and open_slot's 8 arguments), schedules (count; key, score, member).
const redis::Script& CommitScript() {
  static const auto* script = new redis::Script(absl::StrCat(kOpenSlotFunction, R"lua(
local cur = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if cur ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'state', ARGV[3])
local i = 4
local groups = tonumber(ARGV[i]); i = i + 1
for g = 1, groups do
  local rows_key, row, stats_key, nf = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  redis.call('SADD', rows_key, row)
  for f = 1, nf do
    if redis.call('HINCRBY', stats_key, ARGV[i], ARGV[i + 1]) == 0 then redis.call('HDEL', stats_key, ARGV[i]) end
    i = i + 2
  end
end
local adds = tonumber(ARGV[i]); i = i + 1
for a = 1, adds do
  redis.call('ZADD', ARGV[i], ARGV[i + 1], ARGV[i + 2])
  i = i + 3
end
local removes = tonumber(ARGV[i]); i = i + 1
for r = 1, removes do
  redis.call('ZREM', ARGV[i], ARGV[i + 1])
  i = i + 2
end
if ARGV[i] == '1' then
  open_slot(ARGV, i + 1)
  i = i + 9
else
  i = i + 1
end
local schedules = tonumber(ARGV[i]); i = i + 1
for s = 1, schedules do
  redis.call('ZADD', ARGV[i], ARGV[i + 1], ARGV[i + 2])
  i = i + 3
end
return 1
)lua"));
  return *script;
}

const redis::Script& OpenSlotScript() {
  static const auto* script = new redis::Script(absl::StrCat(kOpenSlotFunction, "return open_slot(ARGV, 1)\n"));
  return *script;
}

// KEYS: slot. ARGV: cycle, code hash.
const redis::Script& SetCodeScript() {
  static const auto* script = new redis::Script(R"lua(
local s = redis.call('HMGET', KEYS[1], 'state', 'cycle')
if s[1] ~= 'open' or s[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'failures', '0')
return 1
)lua");
  return *script;
}

// KEYS: slot, schedule. ARGV: code hash, now, satisfaction, solved, comment, recheck at, member prefix, max attempts.
const redis::Script& ClaimScript() {
  static const auto* script = new redis::Script(R"lua(
local s = redis.call('HMGET', KEYS[1], 'state', 'code', 'cycle', 'deadline')
if not s[1] then return {'wrong', '0'} end
local cycle = s[3]
if (not s[2]) or s[2] ~= ARGV[1] then
  if s[2] then
    local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
    if failures >= tonumber(ARGV[8]) then redis.call('HDEL', KEYS[1], 'code') end
  end
  return {'wrong', cycle}
end
if s[1] == 'claimed' then return {'rated', cycle} end
if s[1] == 'expired' or tonumber(ARGV[2]) > tonumber(s[4]) then return {'closed', cycle} end
redis.call('HSET', KEYS[1], 'state', 'claimed', 'satisfaction', ARGV[3], 'solved', ARGV[4], 'comment', ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[7] .. cycle)
return {'claimed', cycle}
)lua");
  return *script;
}

// KEYS: slot. ARGV: cycle, now.
const redis::Script& ExpireScript() {
  static const auto* script = new redis::Script(R"lua(
local s = redis.call('HMGET', KEYS[1], 'state', 'cycle', 'deadline')
if s[1] ~= 'open' or s[2] ~= ARGV[1] or tonumber(ARGV[2]) < tonumber(s[3]) then return 0 end
redis.call('HSET', KEYS[1], 'state', 'expired')
return 1
)lua");
  return *script;
}

// KEYS: schedule. ARGV: now, leased until, limit.
const redis::Script& TakeDueScript() {
  static const auto* script = new redis::Script(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], m) end
return due
)lua");
  return *script;
}

// KEYS: alert hash, alerts zset, alerted zset. ARGV: id, bytes, window start.
const redis::Script& RecordAlertScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
)lua");
  return *script;
}

absl::StatusOr<v1::FeedbackCaseState> ParseState(const std::string& bytes, const std::string& key) {
  v1::FeedbackCaseState state;
  if (!state.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat(key, ": corrupt case state"));
  return state;
}

std::vector<ScoredMember> Scored(const redis::Reply& reply) {
  std::vector<ScoredMember> out;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    ScoredMember m;
    m.member = reply.elements[i].str;
    (void)absl::SimpleAtod(reply.elements[i + 1].str, &m.score);
    out.push_back(std::move(m));
  }
  return out;
}

std::string Score(double score) { return absl::StrCat(static_cast<int64_t>(score)); }

}  // namespace

std::string RedisFeedbackStore::CaseKey(const std::string& case_id) const {
  return absl::StrCat(prefix_, "feedback:case:{", case_id, "}");
}
std::string RedisFeedbackStore::StatsKey(const std::string& period, const std::string& row) const {
  return absl::StrCat(prefix_, "feedback:stats:", period, ":", row);
}
std::string RedisFeedbackStore::RowsKey(const std::string& period) const {
  return absl::StrCat(prefix_, "feedback:rows:", period);
}
std::string RedisFeedbackStore::SetKey(const std::string& set) const {
  return absl::StrCat(prefix_, "feedback:set:", set);
}
std::string RedisFeedbackStore::SlotKey(const std::string& case_id) const {
  return absl::StrCat(prefix_, "feedback:rating:{", case_id, "}");
}
std::string RedisFeedbackStore::ScheduleKey() const { return absl::StrCat(prefix_, "feedback:schedule"); }

absl::StatusOr<std::optional<v1::FeedbackCaseState>> RedisFeedbackStore::LoadCase(const std::string& case_id) {
  const std::string key = CaseKey(case_id);
  auto reply = redis_->Run({"HGET", key, "state"});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return std::nullopt;
  auto state = ParseState(reply->str, key);
  if (!state.ok()) return state.status();
  return *std::move(state);
}

absl::StatusOr<std::vector<v1::FeedbackCaseState>> RedisFeedbackStore::LoadCases(
    const std::vector<std::string>& case_ids) {
  std::vector<v1::FeedbackCaseState> out;
  if (case_ids.empty()) return out;
  std::vector<redis::Command> reads;
  for (const std::string& id : case_ids) reads.push_back({"HGET", CaseKey(id), "state"});
  auto replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].is_nil()) continue;
    auto state = ParseState((*replies)[i].str, CaseKey(case_ids[i]));
    if (!state.ok()) return state.status();
    out.push_back(*std::move(state));
  }
  return out;
}

std::vector<std::string> RedisFeedbackStore::SlotArgs(const SlotOpening& opening, absl::Time now) const {
  absl::Duration ttl = std::max(opening.deadline - now, absl::ZeroDuration()) + slot_retention_;
  return {SlotKey(opening.case_id),
          ScheduleKey(),
          absl::StrCat(opening.cycle),
          absl::StrCat(Ms(opening.resolved_at)),
          absl::StrCat(Ms(opening.deadline)),
          opening.resolver,
          SettleMember(opening.case_id, opening.cycle),
          absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(ttl)))};
}

absl::StatusOr<bool> RedisFeedbackStore::CommitCase(const std::string& case_id, int64_t expected_revision,
                                                    const v1::FeedbackCaseState& next, const StatDelta& delta,
                                                    const CaseEffects& effects) {
  std::vector<std::string> args = {absl::StrCat(expected_revision), absl::StrCat(next.revision()),
                                   next.SerializeAsString(), absl::StrCat(delta.counters.size())};
  for (const auto& [key, fields] : delta.counters) {
    args.push_back(RowsKey(key.first));
    args.push_back(key.second);
    args.push_back(StatsKey(key.first, key.second));
    args.push_back(absl::StrCat(fields.size()));
    for (const auto& [name, value] : fields) {
      args.push_back(name);
      args.push_back(absl::StrCat(value));
    }
  }
  args.push_back(absl::StrCat(delta.add.size()));
  for (const v1::StatMember& m : delta.add) {
    args.push_back(SetKey(m.set()));
    args.push_back(Score(m.score()));
    args.push_back(m.member());
  }
  args.push_back(absl::StrCat(delta.remove.size()));
  for (const v1::StatMember& m : delta.remove) {
    args.push_back(SetKey(m.set()));
    args.push_back(m.member());
  }
  if (effects.open_slot.has_value()) {
    args.push_back("1");
    // The slot's TTL counts from its deadline; the event time stands in for now (replays keep old slots short).
    std::vector<std::string> slot = SlotArgs(*effects.open_slot, effects.open_slot->resolved_at);
    args.insert(args.end(), slot.begin(), slot.end());
  } else {
    args.push_back("0");
  }
  args.push_back(absl::StrCat(effects.schedule.size()));
  for (const Scheduled& s : effects.schedule) {
    args.push_back(ScheduleKey());
    args.push_back(absl::StrCat(Ms(s.at)));
    args.push_back(s.member);
  }
  auto reply = redis_->Eval(CommitScript(), {CaseKey(case_id)}, args);
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<std::vector<std::string>> RedisFeedbackStore::Rows(const std::string& period) {
  auto reply = redis_->Run({"SMEMBERS", RowsKey(period)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> rows;
  for (const redis::Reply& r : reply->elements) rows.push_back(r.str);
  return rows;
}

absl::StatusOr<std::vector<std::map<std::string, int64_t>>> RedisFeedbackStore::ReadRows(
    const std::string& period, const std::vector<std::string>& rows) {
  std::vector<std::map<std::string, int64_t>> out;
  if (rows.empty()) return out;
  std::vector<redis::Command> reads;
  for (const std::string& row : rows) reads.push_back({"HGETALL", StatsKey(period, row)});
  auto replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (const redis::Reply& reply : *replies) {
    std::map<std::string, int64_t> fields;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      int64_t value = 0;
      if (!absl::SimpleAtoi(reply.elements[i + 1].str, &value)) {
        return absl::DataLossError(absl::StrCat("counter ", reply.elements[i].str, " is not a number"));
      }
      fields[reply.elements[i].str] = value;
    }
    out.push_back(std::move(fields));
  }
  return out;
}

absl::StatusOr<std::vector<ScoredMember>> RedisFeedbackStore::Range(const std::string& set, double min, double max) {
  auto reply = redis_->Run({"ZRANGEBYSCORE", SetKey(set), Score(min), Score(max), "WITHSCORES"});
  if (!reply.ok()) return reply.status();
  return Scored(*reply);
}

absl::StatusOr<std::vector<ScoredMember>> RedisFeedbackStore::RevRange(const std::string& set, int64_t offset,
                                                                       int64_t count) {
  auto reply =
      redis_->Run({"ZREVRANGE", SetKey(set), absl::StrCat(offset), absl::StrCat(offset + count - 1), "WITHSCORES"});
  if (!reply.ok()) return reply.status();
  return Scored(*reply);
}

absl::StatusOr<bool> RedisFeedbackStore::RecordAlert(const v1::HotSpotAlert& alert) {
  auto reply =
      redis_->Eval(RecordAlertScript(),
                   {absl::StrCat(prefix_, "feedback:alert"), absl::StrCat(prefix_, "feedback:alerts"),
                    SetKey(AlertedSet(alert.grid_code(), alert.catalogue_item()))},
                   {alert.alert_id(), alert.SerializeAsString(), absl::StrCat(alert.window_start().seconds())});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<std::vector<v1::HotSpotAlert>> RedisFeedbackStore::ListAlerts(absl::Time from, absl::Time to) {
  auto ids = redis_->Run({"ZRANGEBYSCORE", absl::StrCat(prefix_, "feedback:alerts"),
                          absl::StrCat(absl::ToUnixSeconds(from)), absl::StrCat("(", absl::ToUnixSeconds(to))});
  if (!ids.ok()) return ids.status();
  std::vector<v1::HotSpotAlert> out;
  if (ids->elements.empty()) return out;
  redis::Command read = {"HMGET", absl::StrCat(prefix_, "feedback:alert")};
  for (const redis::Reply& id : ids->elements) read.push_back(id.str);
  auto values = redis_->Run(read);
  if (!values.ok()) return values.status();
  for (const redis::Reply& value : values->elements) {
    if (value.is_nil()) continue;
    v1::HotSpotAlert alert;
    if (!alert.ParseFromString(value.str)) return absl::DataLossError("corrupt hot-spot alert");
    out.push_back(std::move(alert));
  }
  return out;
}

absl::Status RedisFeedbackStore::OpenSlot(const SlotOpening& opening, absl::Time now) {
  return redis_->Eval(OpenSlotScript(), {}, SlotArgs(opening, now)).status();
}

absl::StatusOr<std::optional<RatingSlot>> RedisFeedbackStore::LoadSlot(const std::string& case_id) {
  auto reply = redis_->Run({"HGETALL", SlotKey(case_id)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return std::nullopt;
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) f[reply->elements[i].str] = reply->elements[i + 1].str;
  RatingSlot slot;
  slot.case_id = case_id;
  int64_t resolved_ms = 0, deadline_ms = 0;
  int satisfaction = 0;
  if (!absl::SimpleAtoi(f["cycle"], &slot.cycle) || !absl::SimpleAtoi(f["resolved_at"], &resolved_ms) ||
      !absl::SimpleAtoi(f["deadline"], &deadline_ms)) {
    return absl::DataLossError(absl::StrCat(SlotKey(case_id), ": corrupt rating slot"));
  }
  slot.resolved_at = FromMs(resolved_ms);
  slot.deadline = FromMs(deadline_ms);
  slot.resolver = f["resolver"];
  const std::string& state = f["state"];
  slot.state = state == "claimed"   ? RatingSlot::State::kClaimed
               : state == "expired" ? RatingSlot::State::kExpired
                                    : RatingSlot::State::kOpen;
  slot.has_code = f.contains("code");
  (void)absl::SimpleAtoi(f["failures"], &slot.failures);
  if (absl::SimpleAtoi(f["satisfaction"], &satisfaction) && v1::Satisfaction_IsValid(satisfaction)) {
    slot.satisfaction = static_cast<v1::Satisfaction>(satisfaction);
  }
  slot.problem_solved = f["solved"] == "1";
  slot.comment = f["comment"];
  return slot;
}

absl::StatusOr<bool> RedisFeedbackStore::SetCode(const std::string& case_id, int cycle, const std::string& code_hash) {
  auto reply = redis_->Eval(SetCodeScript(), {SlotKey(case_id)}, {absl::StrCat(cycle), code_hash});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<std::pair<ClaimResult, int>> RedisFeedbackStore::Claim(const std::string& case_id,
                                                                      const std::string& code_hash,
                                                                      const GivenRating& rating, absl::Time now,
                                                                      absl::Time recheck_at, int max_attempts) {
  std::string member_prefix = SettleMember(case_id, 0);
  member_prefix.pop_back();  // The script appends the slot's cycle.
  auto reply = redis_->Eval(ClaimScript(), {SlotKey(case_id), ScheduleKey()},
                            {code_hash, absl::StrCat(Ms(now)), absl::StrCat(static_cast<int>(rating.satisfaction)),
                             rating.problem_solved ? "1" : "0", rating.comment, absl::StrCat(Ms(recheck_at)),
                             member_prefix, absl::StrCat(max_attempts)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2) return absl::InternalError("claim: unexpected reply");
  int cycle = 0;
  (void)absl::SimpleAtoi(reply->elements[1].str, &cycle);
  const std::string& outcome = reply->elements[0].str;
  ClaimResult result = outcome == "claimed"  ? ClaimResult::kClaimed
                       : outcome == "rated"  ? ClaimResult::kRatedAlready
                       : outcome == "closed" ? ClaimResult::kWindowClosed
                                             : ClaimResult::kWrongCode;
  return std::make_pair(result, cycle);
}

absl::StatusOr<bool> RedisFeedbackStore::Expire(const std::string& case_id, int cycle, absl::Time now) {
  auto reply = redis_->Eval(ExpireScript(), {SlotKey(case_id)}, {absl::StrCat(cycle), absl::StrCat(Ms(now))});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::Status RedisFeedbackStore::Schedule(const std::string& member, absl::Time at) {
  return redis_->Run({"ZADD", ScheduleKey(), absl::StrCat(Ms(at)), member}).status();
}

absl::Status RedisFeedbackStore::Unschedule(const std::string& member) {
  return redis_->Run({"ZREM", ScheduleKey(), member}).status();
}

absl::StatusOr<std::vector<std::string>> RedisFeedbackStore::TakeDue(absl::Time now, absl::Duration lease, int limit) {
  auto reply = redis_->Eval(TakeDueScript(), {ScheduleKey()},
                            {absl::StrCat(Ms(now)), absl::StrCat(Ms(now + lease)), absl::StrCat(limit)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> out;
  for (const redis::Reply& r : reply->elements) out.push_back(r.str);
  return out;
}

}  // namespace gridcase::feedback
