#include "services/intake/adapters/redis_submission_store.h"

#include "absl/strings/str_cat.h"

namespace gridcase::intake {
namespace {

// KEYS: the idempotency record, the daily sequence. ARGV: day, ttl, case-index key prefix and suffix, the idempotency
// record's name. The case-index key (prefix .. case id .. suffix) is named inside the script because the case id is
// made there: the script needs a single Redis node, not a Cluster.
const redis::Script& ReserveScript() {
  static const auto* script = new redis::Script(R"lua(
local existing = redis.call('HMGET', KEYS[1], 'case_id', 'state', 'event', 'linked_to')
if existing[1] then
  return {0, existing[1], existing[2] or 'pending', existing[3] or '', existing[4] or ''}
end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 259200)
local id = 'GC-' .. ARGV[1] .. '-' .. string.format('%06d', n)
redis.call('HSET', KEYS[1], 'case_id', id, 'state', 'pending')
local ttl = tonumber(ARGV[2])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
redis.call('SET', ARGV[3] .. id .. ARGV[4], ARGV[5])
if ttl > 0 then redis.call('EXPIRE', ARGV[3] .. id .. ARGV[4], ttl) end
return {1, id, 'pending', '', ''}
)lua");
  return *script;
}

}  // namespace

std::string RedisSubmissionStore::IdemKey(v1::Channel channel, const std::string& idempotency_key) const {
  return absl::StrCat(prefix_, "intake:idem:{", v1::Channel_Name(channel), ":", idempotency_key, "}");
}

absl::StatusOr<Reservation> RedisSubmissionStore::Reserve(v1::Channel channel, const std::string& idempotency_key,
                                                          const std::string& day) {
  std::string idem = IdemKey(channel, idempotency_key);
  auto reply = redis_->Eval(ReserveScript(), {idem, absl::StrCat(prefix_, "intake:seq:", day)},
                            {day, absl::StrCat(ttl_seconds_), absl::StrCat(prefix_, "intake:case:{"), "}", idem});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 5) return absl::InternalError("intake reserve script: unexpected reply");
  Reservation r;
  r.fresh = reply->elements[0].integer == 1;
  r.case_id = reply->elements[1].str;
  r.published = reply->elements[2].str == "published";
  if (!reply->elements[3].str.empty()) {
    v1::CaseEvent event;
    if (!event.ParseFromString(reply->elements[3].str)) {
      return absl::DataLossError(absl::StrCat("saved submission of ", r.case_id, " is corrupt"));
    }
    r.saved_event = std::move(event);
  }
  r.linked_to = reply->elements[4].str;
  return r;
}

absl::Status RedisSubmissionStore::SaveEvent(v1::Channel channel, const std::string& idempotency_key,
                                             const v1::CaseEvent& event) {
  return redis_->Run({"HSET", IdemKey(channel, idempotency_key), "event", event.SerializeAsString()}).status();
}

absl::Status RedisSubmissionStore::MarkPublished(v1::Channel channel, const std::string& idempotency_key) {
  return redis_->Run({"HSET", IdemKey(channel, idempotency_key), "state", "published"}).status();
}

absl::Status RedisSubmissionStore::MarkLinked(v1::Channel channel, const std::string& idempotency_key,
                                              const std::string& case_id) {
  return redis_->Run({"HSET", IdemKey(channel, idempotency_key), "state", "linked", "linked_to", case_id}).status();
}

absl::StatusOr<std::vector<RecentCases::Entry>> RedisRecentCases::Since(const std::string& grid_code,
                                                                       const std::string& catalogue_item,
                                                                       absl::Time since) {
  std::string key = Key(grid_code, catalogue_item);
  auto ids = redis_->Run({"ZREVRANGEBYSCORE", key, "+inf", absl::StrCat(absl::ToUnixMillis(since)), "LIMIT", "0",
                          "50"});
  if (!ids.ok()) return ids.status();
  std::vector<Entry> entries;
  if (ids->elements.empty()) return entries;
  std::vector<redis::Command> reads;
  for (const redis::Reply& id : ids->elements) {
    reads.push_back({"GET", absl::StrCat(prefix_, "intake:recent-text:{", id.str, "}")});
  }
  auto texts = redis_->Pipeline(reads);
  if (!texts.ok()) return texts.status();
  for (size_t i = 0; i < ids->elements.size(); ++i) {
    entries.push_back({ids->elements[i].str, (*texts)[i].str});
  }
  return entries;
}

absl::Status RedisRecentCases::Remember(const std::string& grid_code, const std::string& catalogue_item,
                                        const std::string& case_id, absl::string_view text, absl::Time at) {
  std::string key = Key(grid_code, catalogue_item);
  int64_t at_ms = absl::ToUnixMillis(at);
  return redis_
      ->Pipeline({{"ZADD", key, absl::StrCat(at_ms), case_id},
                  {"ZREMRANGEBYSCORE", key, "-inf", absl::StrCat(at_ms - absl::ToInt64Milliseconds(keep_))},
                  {"PEXPIRE", key, absl::StrCat(absl::ToInt64Milliseconds(keep_))},
                  {"SET", absl::StrCat(prefix_, "intake:recent-text:{", case_id, "}"), std::string(text), "PX",
                   absl::StrCat(absl::ToInt64Milliseconds(keep_))}})
      .status();
}

std::string RedisRecentCases::Key(const std::string& grid_code, const std::string& catalogue_item) const {
  return absl::StrCat(prefix_, "intake:recent:{", grid_code, "}:", catalogue_item);
}

absl::StatusOr<std::optional<v1::Case>> RedisSubmissionStore::SubmittedCase(const std::string& case_id) {
  auto idem = redis_->Run({"GET", absl::StrCat(prefix_, "intake:case:{", case_id, "}")});
  if (!idem.ok()) return idem.status();
  if (idem->is_nil()) return std::nullopt;
  auto event_bytes = redis_->Run({"HGET", idem->str, "event"});
  if (!event_bytes.ok()) return event_bytes.status();
  if (event_bytes->is_nil()) return std::nullopt;
  v1::CaseEvent event;
  if (!event.ParseFromString(event_bytes->str)) {
    return absl::DataLossError(absl::StrCat("saved submission of ", case_id, " is corrupt"));
  }
  return event.submitted().initial();
}

}  // namespace gridcase::intake
