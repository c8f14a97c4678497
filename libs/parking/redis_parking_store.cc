#include "libs/parking/redis_parking_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace gridcase::parking {
namespace {

using kafka::Message;
using kafka::ParkedCase;
using kafka::ParkedState;
using redis::Reply;
using redis::Script;

// KEYS: case, records, seen, cases, replay. ARGV: mode ("append" | "head"), case id, record id, entry, state,
// reason, now (ms), dead-lettered record id. Returns 0 not parked, 1 parked now, 2 parked before.
const Script& ParkScript() {
  static const Script* script = new Script(R"lua(
local exists = redis.call('EXISTS', KEYS[1]) == 1
if ARGV[1] == 'append' and not exists then return 0 end
if redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return 2 end
redis.call('RPUSH', KEYS[2], ARGV[4])
if not exists then
  redis.call('HSET', KEYS[1], 'state', ARGV[5], 'reason', ARGV[6], 'parked_at_ms', ARGV[7], 'dead_lettered', ARGV[8])
  redis.call('ZADD', KEYS[4], ARGV[7], ARGV[2])
  if ARGV[5] ~= 'held' then redis.call('SADD', KEYS[5], ARGV[2]) end
end
return 1
)lua");
  return *script;
}

// KEYS: case, records. Returns {} when not parked, else {state, reason, parked_at_ms, dead_lettered, head, count}.
const Script& FindScript() {
  static const Script* script = new Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local h = redis.call('HMGET', KEYS[1], 'state', 'reason', 'parked_at_ms', 'dead_lettered')
local head = redis.call('LINDEX', KEYS[2], 0)
return {h[1] or 'held', h[2] or '', h[3] or '0', h[4] or '', head or '', redis.call('LLEN', KEYS[2])}
)lua");
  return *script;
}

// KEYS: case, replay. ARGV: case id, request. Returns 0 not parked, -1 a request is pending, 1 requested.
const Script& RequestScript() {
  static const Script* script = new Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'release' or state == 'skip' then return -1 end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
)lua");
  return *script;
}

// KEYS: case, records, seen, cases, replay. ARGV: case id, record id, next state ('' keeps it).
// Returns -1 when the record is not first, 1 when the case is no longer parked, 0 otherwise.
const Script& RemoveHeadScript() {
  static const Script* script = new Script(R"lua(
local head = redis.call('LINDEX', KEYS[2], 0)
if not head or string.sub(head, 1, #ARGV[2] + 1) ~= ARGV[2] .. '|' then return -1 end
redis.call('LPOP', KEYS[2])
if redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('SREM', KEYS[5], ARGV[1])
  return 1
end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[3]) end
redis.call('HSET', KEYS[1], 'dead_lettered', '')
return 0
)lua");
  return *script;
}

// KEYS: case, records, replay. ARGV: case id, state, reason, dead-lettered ('1' marks the first record).
const Script& HoldScript() {
  static const Script* script = new Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'reason', ARGV[3])
if ARGV[4] == '1' then
  local head = redis.call('LINDEX', KEYS[2], 0) or ''
  redis.call('HSET', KEYS[1], 'dead_lettered', string.match(head, '^[^|]*'))
end
if ARGV[2] == 'held' then redis.call('SREM', KEYS[3], ARGV[1]) else redis.call('SADD', KEYS[3], ARGV[1]) end
return 1
)lua");
  return *script;
}

// KEYS: lease. ARGV: owner, lease (ms).
const Script& ClaimScript() {
  static const Script* script = new Script(R"lua(
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
)lua");
  return *script;
}

const Script& UnclaimScript() {
  static const Script* script = new Script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
)lua");
  return *script;
}

absl::StatusOr<ParkedState> ParseState(const std::string& name) {
  for (ParkedState state : {ParkedState::kHeld, ParkedState::kWaiting, ParkedState::kRelease, ParkedState::kSkip}) {
    if (name == kafka::ParkedStateName(state)) return state;
  }
  return absl::DataLossError(absl::StrCat("parked case state '", name, "'"));
}

void AppendField(std::string& out, absl::string_view field) {
  absl::StrAppend(&out, field.size(), ":", field, ",");
}

// Reads one netstring from the front of `in`.
absl::StatusOr<absl::string_view> TakeField(absl::string_view& in) {
  size_t colon = in.find(':');
  size_t size = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(in.substr(0, colon), &size) ||
      in.size() < colon + 1 + size + 1 || in[colon + 1 + size] != ',') {
    return absl::DataLossError("parked record: malformed field");
  }
  absl::string_view field = in.substr(colon + 1, size);
  in.remove_prefix(colon + 1 + size + 1);
  return field;
}

template <typename T>
absl::Status TakeNumber(absl::string_view& in, T* value) {
  auto field = TakeField(in);
  if (!field.ok()) return field.status();
  if (!absl::SimpleAtoi(*field, value)) return absl::DataLossError("parked record: malformed number");
  return absl::OkStatus();
}

}  // namespace

std::string EncodeParkedRecord(const Message& message) {
  std::string out = absl::StrCat(kafka::RecordId(message), "|");
  AppendField(out, message.topic);
  AppendField(out, absl::StrCat(message.partition));
  AppendField(out, absl::StrCat(message.offset));
  AppendField(out, message.key);
  AppendField(out, message.value);
  AppendField(out, absl::StrCat(message.timestamp_ms));
  AppendField(out, absl::StrCat(message.headers.size()));
  for (const kafka::Header& header : message.headers) {
    AppendField(out, header.key);
    AppendField(out, header.value);
  }
  return out;
}

absl::StatusOr<Message> DecodeParkedRecord(absl::string_view entry) {
  size_t bar = entry.find('|');
  if (bar == absl::string_view::npos) return absl::DataLossError("parked record: no record id");
  absl::string_view in = entry.substr(bar + 1);
  Message message;
  auto topic = TakeField(in);
  if (!topic.ok()) return topic.status();
  message.topic = std::string(*topic);
  if (absl::Status s = TakeNumber(in, &message.partition); !s.ok()) return s;
  if (absl::Status s = TakeNumber(in, &message.offset); !s.ok()) return s;
  auto key = TakeField(in);
  if (!key.ok()) return key.status();
  message.key = std::string(*key);
  auto value = TakeField(in);
  if (!value.ok()) return value.status();
  message.value = std::string(*value);
  if (absl::Status s = TakeNumber(in, &message.timestamp_ms); !s.ok()) return s;
  size_t headers = 0;
  if (absl::Status s = TakeNumber(in, &headers); !s.ok()) return s;
  for (size_t i = 0; i < headers; ++i) {
    auto header_key = TakeField(in);
    if (!header_key.ok()) return header_key.status();
    auto header_value = TakeField(in);
    if (!header_value.ok()) return header_value.status();
    message.headers.push_back({std::string(*header_key), std::string(*header_value)});
  }
  if (!in.empty()) return absl::DataLossError("parked record: trailing bytes");
  return message;
}

std::string RedisParkingStore::GroupKey(const std::string& kind, const std::string& group) const {
  return absl::StrCat(prefix_, "parking:", kind, ":{", group, "}");
}

std::string RedisParkingStore::CaseKey(const std::string& kind, const std::string& group,
                                       const std::string& case_id) const {
  return absl::StrCat(prefix_, "parking:", kind, ":{", group, "}:", case_id);
}

absl::StatusOr<kafka::ParkingStore::ParkOutcome> RedisParkingStore::Park(const std::string& mode,
                                                                         const std::string& group,
                                                                         const Message& message, ParkedState state,
                                                                         const std::string& reason,
                                                                         bool dead_lettered) {
  const std::string& case_id = message.key;
  std::string id = kafka::RecordId(message);
  auto reply = redis_->Eval(ParkScript(),
                            {CaseKey("case", group, case_id), CaseKey("records", group, case_id),
                             CaseKey("seen", group, case_id), GroupKey("cases", group), GroupKey("replay", group)},
                            {mode, case_id, id, EncodeParkedRecord(message), kafka::ParkedStateName(state), reason,
                             absl::StrCat(absl::ToUnixMillis(absl::Now())), dead_lettered ? id : ""});
  if (!reply.ok()) return reply.status();
  switch (reply->integer) {
    case 0:
      return ParkOutcome::kNotParked;
    case 1:
      return ParkOutcome::kParked;
    default:
      return ParkOutcome::kAlreadyParked;
  }
}

absl::StatusOr<kafka::ParkingStore::ParkOutcome> RedisParkingStore::ParkIfParked(const std::string& group,
                                                                                 const Message& message) {
  return Park("append", group, message, ParkedState::kHeld, "", false);
}

absl::StatusOr<kafka::ParkingStore::ParkOutcome> RedisParkingStore::ParkCase(const std::string& group,
                                                                             const Message& message,
                                                                             ParkedState state,
                                                                             const std::string& reason,
                                                                             bool dead_lettered) {
  if (message.key.empty()) return absl::InvalidArgumentError("a record without a key (case id) cannot be parked");
  return Park("head", group, message, state, reason, dead_lettered);
}

absl::StatusOr<std::optional<ParkedCase>> RedisParkingStore::Find(const std::string& group,
                                                                  const std::string& case_id) {
  auto reply = redis_->Eval(FindScript(), {CaseKey("case", group, case_id), CaseKey("records", group, case_id)}, {});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() < 6) return std::nullopt;
  const std::vector<Reply>& e = reply->elements;
  ParkedCase parked;
  parked.group = group;
  parked.case_id = case_id;
  auto state = ParseState(e[0].str);
  if (!state.ok()) return state.status();
  parked.state = *state;
  parked.reason = e[1].str;
  int64_t parked_at_ms = 0;
  if (!absl::SimpleAtoi(e[2].str, &parked_at_ms)) return absl::DataLossError("parked case: parked_at_ms");
  parked.parked_at = absl::FromUnixMillis(parked_at_ms);
  parked.records = e[5].integer;
  if (!e[4].str.empty()) {
    auto head = DecodeParkedRecord(e[4].str);
    if (!head.ok()) return head.status();
    parked.head_dead_lettered = !e[3].str.empty() && e[3].str == kafka::RecordId(*head);
    parked.head = *std::move(head);
  }
  return parked;
}

absl::StatusOr<std::vector<ParkedCase>> RedisParkingStore::List(const std::string& group) {
  auto ids = ParkedCaseIds(group);
  if (!ids.ok()) return ids.status();
  std::vector<ParkedCase> cases;
  for (const std::string& id : *ids) {
    auto parked = Find(group, id);
    if (!parked.ok()) return parked.status();
    if (parked->has_value()) cases.push_back(**std::move(parked));
  }
  return cases;
}

absl::StatusOr<std::vector<std::string>> RedisParkingStore::Groups() {
  std::string pattern = absl::StrCat(prefix_, "parking:cases:{*}");
  std::string cursor = "0";
  std::vector<std::string> groups;
  do {
    auto reply = redis_->Run({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    if (reply->elements.size() != 2) return absl::InternalError("SCAN: unexpected reply");
    cursor = reply->elements[0].str;
    for (const Reply& key : reply->elements[1].elements) {
      size_t open = key.str.find('{', prefix_.size());
      size_t close = key.str.rfind('}');
      if (open != std::string::npos && close != std::string::npos && close > open) {
        groups.push_back(key.str.substr(open + 1, close - open - 1));
      }
    }
  } while (cursor != "0");
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

absl::StatusOr<std::vector<std::string>> RedisParkingStore::ParkedCaseIds(const std::string& group) {
  auto reply = redis_->Run({"ZRANGE", GroupKey("cases", group), "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> cases;
  for (const Reply& id : reply->elements) cases.push_back(id.str);
  return cases;
}

absl::StatusOr<std::vector<std::string>> RedisParkingStore::CasesToReplay(const std::string& group) {
  auto reply = redis_->Run({"SMEMBERS", GroupKey("replay", group)});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> cases;
  for (const Reply& id : reply->elements) cases.push_back(id.str);
  std::sort(cases.begin(), cases.end());
  return cases;
}

absl::Status RedisParkingStore::Request(const std::string& group, const std::string& case_id, ParkedState request) {
  if (request != ParkedState::kRelease && request != ParkedState::kSkip) {
    return absl::InvalidArgumentError("request: must be release or skip");
  }
  auto reply = redis_->Eval(RequestScript(), {CaseKey("case", group, case_id), GroupKey("replay", group)},
                            {case_id, kafka::ParkedStateName(request)});
  if (!reply.ok()) return reply.status();
  if (reply->integer == 0) {
    return absl::NotFoundError(absl::StrCat("case ", case_id, " is not parked in group ", group));
  }
  if (reply->integer < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", case_id, " in group ", group, " has a release or skip pending already"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RedisParkingStore::RemoveHead(const std::string& group, const std::string& case_id,
                                                   const std::string& record_id,
                                                   std::optional<ParkedState> next_state) {
  auto reply = redis_->Eval(RemoveHeadScript(),
                            {CaseKey("case", group, case_id), CaseKey("records", group, case_id),
                             CaseKey("seen", group, case_id), GroupKey("cases", group), GroupKey("replay", group)},
                            {case_id, record_id, next_state.has_value() ? kafka::ParkedStateName(*next_state) : ""});
  if (!reply.ok()) return reply.status();
  if (reply->integer < 0) {
    return absl::FailedPreconditionError(absl::StrCat("record ", record_id, " is not the first parked record of case ",
                                                      case_id, " in group ", group));
  }
  return reply->integer == 1;
}

absl::Status RedisParkingStore::Hold(const std::string& group, const std::string& case_id, ParkedState state,
                                     const std::string& reason, bool head_dead_lettered) {
  return redis_
      ->Eval(HoldScript(),
             {CaseKey("case", group, case_id), CaseKey("records", group, case_id), GroupKey("replay", group)},
             {case_id, kafka::ParkedStateName(state), reason, head_dead_lettered ? "1" : "0"})
      .status();
}

absl::StatusOr<bool> RedisParkingStore::Claim(const std::string& group, const std::string& case_id,
                                              const std::string& owner, absl::Duration lease) {
  auto reply = redis_->Eval(ClaimScript(), {CaseKey("lease", group, case_id)},
                            {owner, absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(lease)))});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::Status RedisParkingStore::Unclaim(const std::string& group, const std::string& case_id,
                                        const std::string& owner) {
  return redis_->Eval(UnclaimScript(), {CaseKey("lease", group, case_id)}, {owner}).status();
}

}  // namespace gridcase::parking
