#include "services/dispatch/adapters/redis_projection_store.h"

#include "absl/strings/str_cat.h"

namespace gridcase::dispatch {
namespace {

// KEYS: view, timeline, old queue, new queue, all-cases index.
// ARGV: version, case bytes, event bytes, case id, remove-from-old (0/1), add-to-new (0/1), queue score, created,
// the due time the fold started from, the due time after it.
// The `due` field mirrors the view's due_at, which the SLA's deadlines change without a new version: a fold that
// started from another due time than the stored one is refused (-2) and redone, so neither writer reverts the other.
const redis::Script& ApplyScript() {
  static const auto* script = new redis::Script(R"lua(
local stored = redis.call('HMGET', KEYS[1], 'version', 'due')
local current = tonumber(stored[1] or '0')
local version = tonumber(ARGV[1])
if version <= current then return 0 end
if version ~= current + 1 then return -1 end
if (stored[2] or '') ~= ARGV[9] then return -2 end
redis.call('HSET', KEYS[1], 'version', version, 'case', ARGV[2], 'due', ARGV[10])
redis.call('RPUSH', KEYS[2], ARGV[3])
if ARGV[5] == '1' then redis.call('ZREM', KEYS[3], ARGV[4]) end
if ARGV[6] == '1' then redis.call('ZADD', KEYS[4], ARGV[7], ARGV[4]) end
if version == 1 then redis.call('ZADD', KEYS[5], ARGV[8], ARGV[4]) end
return 1
)lua");
  return *script;
}

// KEYS: view, queue. ARGV: expected version, case bytes, case id, queue score, queued (0/1), due.
const redis::Script& SetDueScript() {
  static const auto* script = new redis::Script(R"lua(
local current = redis.call('HGET', KEYS[1], 'version')
if not current then return -1 end
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'case', ARGV[2], 'due', ARGV[6])
if ARGV[5] == '1' then redis.call('ZADD', KEYS[2], 'XX', ARGV[4], ARGV[3]) end
return 1
)lua");
  return *script;
}

// The view's due time as stored beside it ("<seconds>.<nanos>", empty when none).
std::string DueField(const v1::Case& c) {
  return c.has_due_at() ? absl::StrCat(c.due_at().seconds(), ".", c.due_at().nanos()) : "";
}

}  // namespace

absl::Status RedisProjectionStore::SetDueAt(const std::string& case_id, const google::protobuf::Timestamp& due_at) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = Load(case_id);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not projected yet"));
    v1::Case c = **current;
    *c.mutable_due_at() = due_at;
    bool queued = IsQueued(c);
    auto reply = redis_->Eval(SetDueScript(),
                              {keys_.CaseView(case_id), keys_.Queue(queued ? c.holder_unit() : "-")},
                              {absl::StrCat(c.version()), c.SerializeAsString(), case_id,
                               absl::StrCat(QueueScore(c)), queued ? "1" : "0", DueField(c)});
    if (!reply.ok()) return reply.status();
    if (reply->integer == 1) return absl::OkStatus();
    if (reply->integer == -1) return absl::NotFoundError(absl::StrCat("case ", case_id, " not projected yet"));
  }
  return absl::UnavailableError(absl::StrCat("case ", case_id, " kept changing while its due time was recorded"));
}

absl::StatusOr<std::pair<std::vector<v1::Case>, int64_t>> RedisProjectionStore::Queue(const std::string& unit_code,
                                                                                      int64_t offset,
                                                                                      int64_t count) {
  std::string key = keys_.Queue(unit_code);
  auto replies = redis_->Pipeline({{"ZRANGE", key, absl::StrCat(offset), absl::StrCat(offset + count - 1)},
                                   {"ZCARD", key}});
  if (!replies.ok()) return replies.status();
  std::vector<redis::Command> reads;
  for (const redis::Reply& id : (*replies)[0].elements) reads.push_back({"HGET", keys_.CaseView(id.str), "case"});
  std::vector<v1::Case> cases;
  if (!reads.empty()) {
    auto views = redis_->Pipeline(reads);
    if (!views.ok()) return views.status();
    for (const redis::Reply& view : *views) {
      if (view.is_nil()) continue;
      v1::Case c;
      if (!c.ParseFromString(view.str)) return absl::DataLossError("a queued case view is corrupt");
      cases.push_back(std::move(c));
    }
  }
  return std::make_pair(std::move(cases), (*replies)[1].integer);
}

bool IsQueued(const v1::Case& c) {
  switch (c.status()) {
    case v1::CASE_STATUS_CLOSED:
    case v1::CASE_STATUS_INVALID:
    case v1::CASE_STATUS_DUPLICATE:
    case v1::CASE_STATUS_UNSPECIFIED:
      return false;
    default:
      return !c.holder_unit().empty();
  }
}

int64_t QueueScore(const v1::Case& c) {
  return c.has_due_at() ? c.due_at().seconds() : c.created_at().seconds();
}

absl::StatusOr<std::optional<v1::Case>> RedisProjectionStore::Load(const std::string& case_id) {
  return views_.Get(case_id);
}

absl::StatusOr<ApplyOutcome> RedisProjectionStore::Apply(const v1::CaseEvent& event, const v1::Case& after,
                                                         const std::optional<v1::Case>& before) {
  bool was_queued = before.has_value() && IsQueued(*before);
  bool is_queued = IsQueued(after);
  std::string old_queue = keys_.Queue(was_queued ? before->holder_unit() : "-");
  std::string new_queue = keys_.Queue(is_queued ? after.holder_unit() : "-");
  auto reply = redis_->Eval(ApplyScript(),
                            {keys_.CaseView(event.case_id()), keys_.Timeline(event.case_id()), old_queue, new_queue,
                             keys_.AllCases()},
                            {absl::StrCat(event.case_version()), after.SerializeAsString(), event.SerializeAsString(),
                             event.case_id(), was_queued ? "1" : "0", is_queued ? "1" : "0",
                             absl::StrCat(QueueScore(after)), absl::StrCat(after.created_at().seconds()),
                             before.has_value() ? DueField(*before) : "", DueField(after)});
  if (!reply.ok()) return reply.status();
  switch (reply->integer) {
    case 1:
      return ApplyOutcome::kApplied;
    case 0:
      return ApplyOutcome::kDuplicate;
    case -2:
      return ApplyOutcome::kDueChanged;
    default:
      return ApplyOutcome::kGap;
  }
}

}  // namespace gridcase::dispatch
