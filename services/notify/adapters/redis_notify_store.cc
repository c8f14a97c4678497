#include "services/notify/adapters/redis_notify_store.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"

namespace gridcase::notify {
namespace {

// KEYS: case hash. ARGV: version, case bytes, source. Writes only on top of version - 1.
const redis::Script& SaveCaseScript() {
  static const auto* script = new redis::Script(R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'case', ARGV[2], 'source', ARGV[3])
return 1
)lua");
  return *script;
}

// KEYS: case hash. ARGV: cycle, due ms. A due time of an older cycle than the recorded one is ignored.
const redis::Script& SetDueScript() {
  static const auto* script = new redis::Script(R"lua(
local cycle = tonumber(redis.call('HGET', KEYS[1], 'due_cycle') or '0')
if tonumber(ARGV[1]) < cycle then return 0 end
redis.call('HSET', KEYS[1], 'due_cycle', ARGV[1], 'due_ms', ARGV[2])
return 1
)lua");
  return *script;
}

// KEYS: delivery, due, log, held, seq, parked. ARGV: case-queue prefix, case, id, now ms, occurred ms, then field/value
// pairs of the message. 1 when added, 0 when the delivery existed.
const redis::Script& EnqueueScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], 'case', ARGV[2], 'seq', seq, 'enqueued_ms', ARGV[4], 'occurred_ms', ARGV[5],
           'attempts', 0, 'state', 'pending')
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
if redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1 then
  redis.call('HSET', KEYS[1], 'state', 'parked', 'parked_ms', ARGV[4],
             'last_error', 'parked behind an earlier delivery of its case')
  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[3])
  return 1
end
local queue = ARGV[1] .. ARGV[2]
redis.call('RPUSH', queue, ARGV[3])
if redis.call('LLEN', queue) == 1 then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3]) end
return 1
)lua");
  return *script;
}

// KEYS: lease. ARGV: owner, ttl ms.
const redis::Script& LeaseScript() {
  static const auto* script = new redis::Script(R"lua(
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
)lua");
  return *script;
}

// KEYS: lease, delivery, due. ARGV: owner, id, now ms. Records the intent of an attempt; returns the delivery's
// fields, or 0 (lease lost) / 1 (not due any more).
const redis::Script& BeginScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if not redis.call('ZSCORE', KEYS[3], ARGV[2]) then return 1 end
local state = redis.call('HGET', KEYS[2], 'state')
if state == 'sending' then redis.call('HSET', KEYS[2], 'doubt', '1') end
if not redis.call('HGET', KEYS[2], 'first_try_ms') then redis.call('HSET', KEYS[2], 'first_try_ms', ARGV[3]) end
redis.call('HSET', KEYS[2], 'state', 'sending', 'attempt_ms', ARGV[3])
return redis.call('HGETALL', KEYS[2])
)lua");
  return *script;
}

// KEYS: lease, delivery, due, log. ARGV: owner, id, now ms, case-queue prefix, delivery prefix, retention ms.
// The case's next delivery becomes due; the delivery and the log's entries expire after the retention.
const redis::Script& DeliveredScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'sending' then return 1 end
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[2], 'state', 'delivered', 'delivered_ms', ARGV[3])
redis.call('HDEL', KEYS[2], 'doubt')
redis.call('ZREM', KEYS[3], ARGV[2])
local queue = ARGV[4] .. redis.call('HGET', KEYS[2], 'case')
redis.call('LREM', queue, 1, ARGV[2])
local next_id = redis.call('LINDEX', queue, 0)
if next_id and not redis.call('ZSCORE', KEYS[3], next_id) then redis.call('ZADD', KEYS[3], ARGV[3], next_id) end
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[6])))
return 2
)lua");
  return *script;
}

// KEYS: lease, delivery, due, parked, held. ARGV: owner, id, now ms, error, retry ms, park (0/1), case-queue prefix,
// delivery prefix. Parking takes every delivery of the case's list with it, in order.
const redis::Script& FailedScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'sending' then return 1 end
redis.call('HINCRBY', KEYS[2], 'attempts', 1)
redis.call('HSET', KEYS[2], 'state', 'pending', 'last_error', ARGV[4])
if ARGV[6] == '0' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
  return 2
end
local case_id = redis.call('HGET', KEYS[2], 'case')
local queue = ARGV[7] .. case_id
for _, id in ipairs(redis.call('LRANGE', queue, 0, -1)) do
  local d = ARGV[8] .. id
  redis.call('HSET', d, 'state', 'parked', 'parked_ms', ARGV[3])
  if id ~= ARGV[2] then redis.call('HSET', d, 'last_error', 'parked behind an earlier delivery of its case') end
  redis.call('ZADD', KEYS[4], ARGV[3], id)
  redis.call('ZREM', KEYS[3], id)
end
redis.call('DEL', queue)
redis.call('SADD', KEYS[5], case_id)
return 3
)lua");
  return *script;
}

// KEYS: lease, delivery, due. ARGV: owner, id, until ms.
const redis::Script& DeferredScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'sending' then return 1 end
redis.call('HSET', KEYS[2], 'state', 'pending')
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return 2
)lua");
  return *script;
}

// KEYS: log, due, parked, held. ARGV: from ms, parked only (0/1), now ms, case-queue prefix, delivery prefix.
// Queues again the chosen deliveries and every parked one of their cases, each case's list rebuilt in enqueue order.
const redis::Script& ReplayScript() {
  static const auto* script = new redis::Script(R"lua(
local chosen = {}
local cases = {}
local function take(id, case_id)
  if chosen[id] then return end
  chosen[id] = true
  if not cases[case_id] then cases[case_id] = {} end
  table.insert(cases[case_id], id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')) do
  local d = ARGV[5] .. id
  local state = redis.call('HGET', d, 'state')
  if state == 'parked' or (ARGV[2] == '0' and state == 'delivered') then take(id, redis.call('HGET', d, 'case')) end
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local case_id = redis.call('HGET', ARGV[5] .. id, 'case')
  if case_id and cases[case_id] then take(id, case_id) end
end
local count = 0
for case_id, ids in pairs(cases) do
  local queue = ARGV[4] .. case_id
  local all = {}
  for _, id in ipairs(redis.call('LRANGE', queue, 0, -1)) do
    table.insert(all, id)
    redis.call('ZREM', KEYS[2], id)
  end
  for _, id in ipairs(ids) do
    local d = ARGV[5] .. id
    redis.call('HSET', d, 'state', 'pending')
    redis.call('HDEL', d, 'first_try_ms', 'parked_ms')
    redis.call('PERSIST', d)
    redis.call('ZREM', KEYS[3], id)
    table.insert(all, id)
    count = count + 1
  end
  table.sort(all, function(a, b)
    return tonumber(redis.call('HGET', ARGV[5] .. a, 'seq')) < tonumber(redis.call('HGET', ARGV[5] .. b, 'seq'))
  end)
  redis.call('DEL', queue)
  for _, id in ipairs(all) do redis.call('RPUSH', queue, id) end
  redis.call('ZADD', KEYS[2], ARGV[3], all[1])
  redis.call('SREM', KEYS[4], case_id)
end
return count
)lua");
  return *script;
}

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

std::map<std::string, std::string> Fields(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) fields[reply.elements[i].str] = reply.elements[i + 1].str;
  return fields;
}

int64_t IntField(const std::map<std::string, std::string>& f, const std::string& name, int64_t otherwise = 0) {
  auto it = f.find(name);
  int64_t v = 0;
  if (it == f.end() || !absl::SimpleAtoi(it->second, &v)) return otherwise;
  return v;
}

std::string StrField(const std::map<std::string, std::string>& f, const std::string& name) {
  auto it = f.find(name);
  return it == f.end() ? "" : it->second;
}

v1::DeliveryState StateOf(const std::string& state) {
  if (state == "pending") return v1::DELIVERY_STATE_PENDING;
  if (state == "sending") return v1::DELIVERY_STATE_SENDING;
  if (state == "delivered") return v1::DELIVERY_STATE_DELIVERED;
  if (state == "parked") return v1::DELIVERY_STATE_PARKED;
  return v1::DELIVERY_STATE_UNSPECIFIED;
}

v1::Delivery ToDelivery(const std::string& target, const std::string& id, const std::map<std::string, std::string>& f) {
  v1::Delivery d;
  d.set_target(target);
  d.set_delivery_id(id);
  d.set_case_id(StrField(f, "case"));
  d.set_case_version(IntField(f, "version"));
  d.set_event_type(StrField(f, "event_type"));
  d.set_state(StateOf(StrField(f, "state")));
  d.set_attempts(static_cast<int32_t>(IntField(f, "attempts")));
  d.set_last_error(StrField(f, "last_error"));
  auto time = [&](const std::string& name, google::protobuf::Timestamp* out) {
    if (f.contains(name)) *out = events::ToProto(absl::FromUnixMillis(IntField(f, name)));
  };
  time("occurred_ms", d.mutable_occurred_at());
  time("enqueued_ms", d.mutable_enqueued_at());
  time("parked_ms", d.mutable_parked_at());
  time("delivered_ms", d.mutable_delivered_at());
  return d;
}

absl::Status LeaseOutcome(const redis::Reply& reply) {
  if (reply.integer == 0) return absl::FailedPreconditionError("the target's lease is held by another worker");
  if (reply.integer == 1) return absl::FailedPreconditionError("the delivery is not being sent");
  return absl::OkStatus();
}

}  // namespace

std::string RedisNotifyStore::Key(const std::string& kind, const std::string& target) const {
  return absl::StrCat(prefix_, "notify:", kind, ":{", target, "}");
}
std::string RedisNotifyStore::DeliveryPrefix(const std::string& target) const { return Key("d", target) + ":"; }
std::string RedisNotifyStore::CaseQueuePrefix(const std::string& target) const { return Key("cq", target) + ":"; }

absl::StatusOr<CaseState> RedisNotifyStore::Load(const std::string& case_id) {
  auto reply = redis_->Run({"HMGET", Key("case", case_id), "version", "case", "due_ms", "due_cycle", "source"});
  if (!reply.ok()) return reply.status();
  CaseState state;
  const std::vector<redis::Reply>& f = reply->elements;
  if (f.size() != 5) return absl::InternalError("redis: HMGET returned the wrong number of fields");
  if (f[0].is_nil()) return state;
  if (!absl::SimpleAtoi(f[0].str, &state.version) || !state.case_view.ParseFromString(f[1].str)) {
    return absl::DataLossError(absl::StrCat("notify's state of case ", case_id, " is unreadable"));
  }
  int64_t due_ms = 0;
  if (!f[2].is_nil() && absl::SimpleAtoi(f[2].str, &due_ms)) state.due = absl::FromUnixMillis(due_ms);
  if (!f[3].is_nil()) (void)absl::SimpleAtoi(f[3].str, &state.due_cycle);
  state.source = f[4].str;
  return state;
}

absl::StatusOr<bool> RedisNotifyStore::Save(const CaseState& state) {
  auto reply = redis_->Eval(SaveCaseScript(), {Key("case", state.case_view.id())},
                            {absl::StrCat(state.version), state.case_view.SerializeAsString(), state.source});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::Status RedisNotifyStore::SetDue(const std::string& case_id, int cycle, absl::Time due) {
  return redis_->Eval(SetDueScript(), {Key("case", case_id)}, {absl::StrCat(cycle), absl::StrCat(Ms(due))}).status();
}

absl::StatusOr<std::vector<v1::Integration>> RedisNotifyStore::List() {
  auto reply = redis_->Run({"HGETALL", absl::StrCat(prefix_, "notify:integrations")});
  if (!reply.ok()) return reply.status();
  std::map<std::string, v1::Integration> by_name;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    v1::Integration integration;
    if (!integration.ParseFromString(reply->elements[i + 1].str)) {
      return absl::DataLossError(absl::StrCat("integration ", reply->elements[i].str, " is unreadable"));
    }
    by_name[integration.name()] = integration;
  }
  std::vector<v1::Integration> out;
  for (auto& [name, integration] : by_name) out.push_back(std::move(integration));
  return out;
}

absl::StatusOr<bool> RedisNotifyStore::Put(const v1::Integration& integration) {
  auto reply = redis_->Run(
      {"HSET", absl::StrCat(prefix_, "notify:integrations"), integration.name(), integration.SerializeAsString()});
  if (!reply.ok()) return reply.status();
  return reply->integer == 0;
}

absl::Status RedisNotifyStore::Remove(const std::string& name) {
  auto reply = redis_->Run({"HDEL", absl::StrCat(prefix_, "notify:integrations"), name});
  if (!reply.ok()) return reply.status();
  if (reply->integer == 0) return absl::NotFoundError(absl::StrCat("name: no integration ", name));
  return absl::OkStatus();
}

absl::StatusOr<bool> RedisNotifyStore::Enqueue(const Outbound& out, absl::Time now) {
  const std::string& t = out.target;
  std::vector<std::string> args = {CaseQueuePrefix(t),
                                   out.case_id,
                                   out.delivery_id,
                                   absl::StrCat(Ms(now)),
                                   absl::StrCat(Ms(out.occurred_at)),
                                   "version",
                                   absl::StrCat(out.case_version),
                                   "event_type",
                                   out.event_type};
  if (out.is_notice()) {
    args.insert(args.end(), {"step", NoticeStepName(out.step), "resident", out.sealed_resident, "emergency",
                             out.emergency ? "1" : "0", "reply", out.reply});
  } else {
    args.insert(args.end(), {"body", out.body});
  }
  auto reply = redis_->Eval(EnqueueScript(),
                            {DeliveryPrefix(t) + out.delivery_id, Key("due", t), Key("log", t), Key("held", t),
                             Key("seq", t), Key("parked", t)},
                            args);
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<bool> RedisNotifyStore::Lease(const std::string& target, const std::string& owner,
                                             absl::Duration ttl) {
  auto reply = redis_->Eval(LeaseScript(), {Key("lease", target)},
                            {owner, absl::StrCat(absl::ToInt64Milliseconds(ttl))});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::StatusOr<std::vector<std::string>> RedisNotifyStore::Due(const std::string& target, absl::Time now,
                                                               int limit) {
  auto reply = redis_->Run({"ZRANGEBYSCORE", Key("due", target), "-inf", absl::StrCat(Ms(now)), "LIMIT", "0",
                            absl::StrCat(limit)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const redis::Reply& r : reply->elements) ids.push_back(r.str);
  return ids;
}

absl::StatusOr<Attempt> RedisNotifyStore::Begin(const std::string& target, const std::string& owner,
                                                const std::string& id, absl::Time now) {
  auto reply = redis_->Eval(BeginScript(), {Key("lease", target), DeliveryPrefix(target) + id, Key("due", target)},
                            {owner, id, absl::StrCat(Ms(now))});
  if (!reply.ok()) return reply.status();
  if (reply->type != redis::Reply::Type::kArray) return LeaseOutcome(*reply);
  std::map<std::string, std::string> f = Fields(*reply);
  Attempt a;
  Outbound& out = a.outbound;
  out.target = target;
  out.delivery_id = id;
  out.case_id = StrField(f, "case");
  out.case_version = IntField(f, "version");
  out.event_type = StrField(f, "event_type");
  out.occurred_at = absl::FromUnixMillis(IntField(f, "occurred_ms"));
  out.body = StrField(f, "body");
  if (f.contains("step") && !ParseNoticeStep(f["step"], &out.step)) {
    return absl::DataLossError(absl::StrCat("delivery ", id, ": unknown step ", f["step"]));
  }
  out.sealed_resident = StrField(f, "resident");
  out.emergency = StrField(f, "emergency") == "1";
  out.reply = StrField(f, "reply");
  a.attempts = static_cast<int>(IntField(f, "attempts"));
  a.in_doubt = StrField(f, "doubt") == "1";
  a.first_try = absl::FromUnixMillis(IntField(f, "first_try_ms", Ms(now)));
  a.enqueued_at = absl::FromUnixMillis(IntField(f, "enqueued_ms"));
  return a;
}

absl::Status RedisNotifyStore::Delivered(const std::string& target, const std::string& owner, const std::string& id,
                                         absl::Time now) {
  auto reply = redis_->Eval(DeliveredScript(),
                            {Key("lease", target), DeliveryPrefix(target) + id, Key("due", target), Key("log", target)},
                            {owner, id, absl::StrCat(Ms(now)), CaseQueuePrefix(target), DeliveryPrefix(target),
                             absl::StrCat(absl::ToInt64Milliseconds(retention_))});
  if (!reply.ok()) return reply.status();
  return LeaseOutcome(*reply);
}

absl::Status RedisNotifyStore::Failed(const std::string& target, const std::string& owner, const std::string& id,
                                      const std::string& error, absl::Time retry_at, bool park, absl::Time now) {
  auto reply = redis_->Eval(FailedScript(),
                            {Key("lease", target), DeliveryPrefix(target) + id, Key("due", target),
                             Key("parked", target), Key("held", target)},
                            {owner, id, absl::StrCat(Ms(now)), error.substr(0, 500), absl::StrCat(Ms(retry_at)),
                             park ? "1" : "0", CaseQueuePrefix(target), DeliveryPrefix(target)});
  if (!reply.ok()) return reply.status();
  return LeaseOutcome(*reply);
}

absl::Status RedisNotifyStore::Deferred(const std::string& target, const std::string& owner, const std::string& id,
                                        absl::Time until) {
  auto reply = redis_->Eval(DeferredScript(), {Key("lease", target), DeliveryPrefix(target) + id, Key("due", target)},
                            {owner, id, absl::StrCat(Ms(until))});
  if (!reply.ok()) return reply.status();
  return LeaseOutcome(*reply);
}

absl::StatusOr<DeliveryQueue::Page> RedisNotifyStore::ListParked(const std::string& target, int page_size,
                                                                const std::string& page_token) {
  int64_t offset = 0;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &offset) || offset < 0)) {
    return absl::InvalidArgumentError("page_token: not a token of this list");
  }
  auto ids = redis_->Run({"ZRANGE", Key("parked", target), absl::StrCat(offset), absl::StrCat(offset + page_size)});
  if (!ids.ok()) return ids.status();
  Page page;
  std::vector<redis::Command> commands;
  const size_t n = std::min<size_t>(ids->elements.size(), page_size);
  for (size_t i = 0; i < n; ++i) commands.push_back({"HGETALL", DeliveryPrefix(target) + ids->elements[i].str});
  if (!commands.empty()) {
    auto replies = redis_->Pipeline(commands);
    if (!replies.ok()) return replies.status();
    for (size_t i = 0; i < n; ++i) {
      page.deliveries.push_back(ToDelivery(target, ids->elements[i].str, Fields((*replies)[i])));
    }
  }
  if (ids->elements.size() > n) page.next_page_token = absl::StrCat(offset + page_size);
  return page;
}

absl::StatusOr<int> RedisNotifyStore::Replay(const std::string& target, absl::Time from, bool parked_only,
                                             absl::Time now) {
  auto reply = redis_->Eval(
      ReplayScript(), {Key("log", target), Key("due", target), Key("parked", target), Key("held", target)},
      {absl::StrCat(Ms(from)), parked_only ? "1" : "0", absl::StrCat(Ms(now)), CaseQueuePrefix(target),
       DeliveryPrefix(target)});
  if (!reply.ok()) return reply.status();
  return static_cast<int>(reply->integer);
}

absl::StatusOr<int64_t> RedisNotifyStore::ParkedCount(const std::string& target) {
  auto reply = redis_->Run({"ZCARD", Key("parked", target)});
  if (!reply.ok()) return reply.status();
  return reply->integer;
}

absl::StatusOr<int64_t> RedisNotifyStore::Add(const std::string& phone_token, absl::Time window_start,
                                              absl::Duration window) {
  const std::string key = absl::StrCat(prefix_, "notify:phone:{", phone_token, "}:", Ms(window_start));
  auto replies = redis_->Pipeline(
      {{"INCR", key}, {"PEXPIRE", key, absl::StrCat(absl::ToInt64Milliseconds(window) + 60000)}});
  if (!replies.ok()) return replies.status();
  return (*replies)[0].integer;
}

absl::StatusOr<v1::Delivery> RedisNotifyStore::Get(const std::string& target, const std::string& id) {
  auto reply = redis_->Run({"HGETALL", DeliveryPrefix(target) + id});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return absl::NotFoundError(absl::StrCat("no delivery ", id, " for ", target));
  return ToDelivery(target, id, Fields(*reply));
}

}  // namespace gridcase::notify
