#include "services/dispatch/adapters/redis_projection_store.h"

#include "absl/strings/str_cat.h"

namespace gridcase::dispatch {
namespace {

// KEYS: view, timeline, old queue, new queue, all-cases index.
// ARGV: version, case bytes, event bytes, case id, remove-from-old (0/1), add-to-new (0/1), queue score, created.
const redis::Script& ApplyScript() {
  static const auto* script = new redis::Script(R"lua(
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local version = tonumber(ARGV[1])
if version <= current then return 0 end
if version ~= current + 1 then return -1 end
redis.call('HSET', KEYS[1], 'version', version, 'case', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
if ARGV[5] == '1' then redis.call('ZREM', KEYS[3], ARGV[4]) end
if ARGV[6] == '1' then redis.call('ZADD', KEYS[4], ARGV[7], ARGV[4]) end
if version == 1 then redis.call('ZADD', KEYS[5], ARGV[8], ARGV[4]) end
return 1
)lua");
  return *script;
}

}  // namespace

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
                             absl::StrCat(QueueScore(after)), absl::StrCat(after.created_at().seconds())});
  if (!reply.ok()) return reply.status();
  switch (reply->integer) {
    case 1:
      return ApplyOutcome::kApplied;
    case 0:
      return ApplyOutcome::kDuplicate;
    default:
      return ApplyOutcome::kGap;
  }
}

}  // namespace gridcase::dispatch
