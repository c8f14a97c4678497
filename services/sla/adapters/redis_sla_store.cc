#include "services/sla/adapters/redis_sla_store.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gridcase::sla {
namespace {

// KEYS: case hash. ARGV: version, state bytes. Writes only on top of version - 1.
const redis::Script& SaveScript() {
  static const auto* script = new redis::Script(R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2])
return 1
)lua");
  return *script;
}

absl::StatusOr<int64_t> ParseInt(const redis::Reply& reply, absl::string_view what) {
  if (reply.is_nil()) return 0;
  int64_t value = 0;
  if (!absl::SimpleAtoi(reply.str, &value)) return absl::DataLossError(absl::StrCat(what, " '", reply.str, "'"));
  return value;
}

}  // namespace

absl::StatusOr<StoredCase> RedisCaseClockStore::Load(const std::string& case_id) {
  absl::StatusOr<std::vector<StoredCase>> loaded = LoadMany({case_id});
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->front());
}

absl::StatusOr<std::vector<StoredCase>> RedisCaseClockStore::LoadMany(const std::vector<std::string>& case_ids) {
  std::vector<StoredCase> cases;
  if (case_ids.empty()) return cases;
  std::vector<redis::Command> commands;
  for (const std::string& id : case_ids) {
    commands.push_back({"HMGET", keys_.Case(id), "version", "done", "state"});
    commands.push_back({"SMEMBERS", keys_.Fired(id)});
  }
  auto replies = redis_->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < case_ids.size(); ++i) {
    const std::vector<redis::Reply>& fields = (*replies)[2 * i].elements;
    if (fields.size() != 3) return absl::InternalError("redis: HMGET returned the wrong number of fields");
    StoredCase stored;
    absl::StatusOr<int64_t> version = ParseInt(fields[0], "sla case version");
    absl::StatusOr<int64_t> done = ParseInt(fields[1], "sla case done");
    if (!version.ok()) return version.status();
    if (!done.ok()) return done.status();
    stored.version = *version;
    stored.done = *done;
    if (!fields[2].is_nil() && !stored.state.ParseFromString(fields[2].str)) {
      return absl::DataLossError(absl::StrCat("sla state of case ", case_ids[i], " is corrupt"));
    }
    for (const redis::Reply& member : (*replies)[2 * i + 1].elements) stored.fired.insert(member.str);
    cases.push_back(std::move(stored));
  }
  return cases;
}

absl::StatusOr<bool> RedisCaseClockStore::Save(const std::string& case_id, int64_t version,
                                               const v1::SlaCaseState& state) {
  auto reply = redis_->Eval(SaveScript(), {keys_.Case(case_id)}, {absl::StrCat(version), state.SerializeAsString()});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1;
}

absl::Status RedisCaseClockStore::MarkFired(const std::vector<std::pair<std::string, std::string>>& fired) {
  if (fired.empty()) return absl::OkStatus();
  std::vector<redis::Command> commands;
  for (const auto& [case_id, fired_key] : fired) commands.push_back({"SADD", keys_.Fired(case_id), fired_key});
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<std::vector<std::optional<v1::SlaCaseState>>> RedisCaseClockStore::LoadStates(
    const std::vector<std::string>& case_ids) {
  std::vector<std::optional<v1::SlaCaseState>> states;
  if (case_ids.empty()) return states;
  std::vector<redis::Command> commands;
  for (const std::string& id : case_ids) commands.push_back({"HGET", keys_.Case(id), "state"});
  auto replies = redis_->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].is_nil()) {
      states.emplace_back();
      continue;
    }
    v1::SlaCaseState state;
    if (!state.ParseFromString((*replies)[i].str)) {
      return absl::DataLossError(absl::StrCat("sla state of case ", case_ids[i], " is corrupt"));
    }
    states.emplace_back(std::move(state));
  }
  return states;
}

absl::Status RedisDueIndex::Apply(const std::vector<DueEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<redis::Command> commands;
  for (const DueEntry& entry : entries) {
    if (entry.due.has_value()) {
      commands.push_back({"ZADD", keys_.Due(), absl::StrCat(absl::ToUnixMillis(*entry.due)), entry.member});
    } else {
      commands.push_back({"ZREM", keys_.Due(), entry.member});
    }
  }
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> RedisDueIndex::Range(absl::Time from, absl::Time until,
                                                                                     int offset, int limit) {
  const std::string min = from == absl::InfinitePast() ? "-inf" : absl::StrCat(absl::ToUnixMillis(from));
  auto reply = redis_->Run({"ZRANGEBYSCORE", keys_.Due(), min, absl::StrCat(absl::ToUnixMillis(until)), "WITHSCORES",
                            "LIMIT", absl::StrCat(offset), absl::StrCat(limit)});
  if (!reply.ok()) return reply.status();
  std::vector<std::pair<std::string, absl::Time>> entries;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    double score = 0;
    if (!absl::SimpleAtod(reply->elements[i + 1].str, &score)) {
      return absl::DataLossError(absl::StrCat("due score '", reply->elements[i + 1].str, "'"));
    }
    entries.emplace_back(reply->elements[i].str, absl::FromUnixMillis(std::llround(score)));
  }
  return entries;
}

}  // namespace gridcase::sla
