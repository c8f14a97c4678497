#include "services/dispatch/adapters/redis_version_claims.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace gridcase::dispatch {
namespace {

// KEYS: claim, request (or the claim again when there is no request id), pending set, case view, timeline.
// ARGV: event, after, version, window seconds, has request (0/1), now ms, pending member, claim key prefix.
// Returns {1} claimed; {0, event, after, state, at} taken; {2, event, after, state, at} the request's earlier claim;
// {3, event} taken by an event the projections already hold (its claim expired or was lost with Redis's data).
const redis::Script& ClaimScript() {
  static const auto* script = new redis::Script(R"lua(
if ARGV[5] == '1' then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then
    local h = redis.call('HMGET', ARGV[8] .. earlier, 'event', 'after', 'state', 'at')
    if h[1] then return {2, h[1], h[2], h[3], h[4]} end
  end
end
local held = redis.call('HMGET', KEYS[1], 'event', 'after', 'state', 'at')
if held[1] then return {0, held[1], held[2], held[3], held[4]} end
local version = tonumber(ARGV[3])
if tonumber(redis.call('HGET', KEYS[4], 'version') or '0') >= version then
  return {3, redis.call('LINDEX', KEYS[5], version - 1) or ''}
end
redis.call('HSET', KEYS[1], 'event', ARGV[1], 'after', ARGV[2], 'state', 'pending', 'at', ARGV[6])
if ARGV[5] == '1' then redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7])
return {1}
)lua");
  return *script;
}

// KEYS: claim, pending set. ARGV: window seconds, pending member.
const redis::Script& PublishedScript() {
  static const auto* script = new redis::Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'state', 'published')
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
)lua");
  return *script;
}

// KEYS: pending set. ARGV: claimed before (ms), lease until (ms), limit.
// Returns the members taken; their score moves to the end of the lease so no other replica takes them meanwhile.
const redis::Script& TakePendingScript() {
  static const auto* script = new redis::Script(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
)lua");
  return *script;
}

absl::StatusOr<VersionClaim> ParseClaim(const redis::Reply& event, const redis::Reply& after, const redis::Reply& state,
                                        const redis::Reply& at) {
  VersionClaim claim;
  int64_t at_ms = 0;
  if (!claim.event.ParseFromString(event.str) || !claim.after.ParseFromString(after.str) ||
      !absl::SimpleAtoi(at.str, &at_ms)) {
    return absl::DataLossError("a version claim is corrupt");
  }
  claim.published = state.str == "published";
  claim.claimed_at = absl::FromUnixMillis(at_ms);
  return claim;
}

std::string PendingMember(const std::string& case_id, int64_t version) { return absl::StrCat(case_id, "|", version); }

}  // namespace

std::string RedisVersionClaims::ClaimKeyPrefix(const std::string& case_id) const {
  return absl::StrCat(keys_.prefix(), "dispatch:claim:{", case_id, "}:");
}
std::string RedisVersionClaims::ClaimKey(const std::string& case_id, int64_t version) const {
  return absl::StrCat(ClaimKeyPrefix(case_id), version);
}
std::string RedisVersionClaims::RequestKey(const std::string& case_id, const std::string& request_id) const {
  return absl::StrCat(keys_.prefix(), "dispatch:request:{", case_id, "}:", request_id);
}
std::string RedisVersionClaims::PendingKey() const { return absl::StrCat(keys_.prefix(), "dispatch:claims:pending"); }

absl::StatusOr<ClaimResult> RedisVersionClaims::Claim(const v1::CaseEvent& event, const v1::Case& after,
                                                      const std::string& request_id) {
  const std::string& case_id = event.case_id();
  int64_t version = event.case_version();
  std::string claim_key = ClaimKey(case_id, version);
  bool has_request = !request_id.empty();
  auto reply = redis_->Eval(
      ClaimScript(),
      {claim_key, has_request ? RequestKey(case_id, request_id) : claim_key, PendingKey(), keys_.CaseView(case_id),
       keys_.Timeline(case_id)},
      {event.SerializeAsString(), after.SerializeAsString(), absl::StrCat(version),
       absl::StrCat(absl::ToInt64Seconds(window_)), has_request ? "1" : "0", absl::StrCat(absl::ToUnixMillis(absl::Now())),
       PendingMember(case_id, version), ClaimKeyPrefix(case_id)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return absl::InternalError("claim script: unexpected reply");
  int64_t code = reply->elements[0].integer;
  if (code == 1) return ClaimResult{ClaimOutcome::kClaimed, std::nullopt};
  if (code == 3 && reply->elements.size() == 2) {
    VersionClaim projected;
    projected.published = true;
    projected.claimed_at = absl::InfinitePast();
    if (!projected.event.ParseFromString(reply->elements[1].str)) {
      return absl::DataLossError(absl::StrCat("timeline of ", case_id, " is corrupt"));
    }
    return ClaimResult{ClaimOutcome::kTaken, std::move(projected)};
  }
  if (reply->elements.size() != 5) return absl::InternalError("claim script: unexpected reply");
  auto holder = ParseClaim(reply->elements[1], reply->elements[2], reply->elements[3], reply->elements[4]);
  if (!holder.ok()) return holder.status();
  return ClaimResult{code == 2 ? ClaimOutcome::kReplay : ClaimOutcome::kTaken, *std::move(holder)};
}

absl::StatusOr<std::optional<VersionClaim>> RedisVersionClaims::Get(const std::string& case_id, int64_t version) {
  auto reply = redis_->Run({"HMGET", ClaimKey(case_id, version), "event", "after", "state", "at"});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 4 || reply->elements[0].is_nil()) return std::nullopt;
  auto claim = ParseClaim(reply->elements[0], reply->elements[1], reply->elements[2], reply->elements[3]);
  if (!claim.ok()) return claim.status();
  return *std::move(claim);
}

absl::StatusOr<std::optional<VersionClaim>> RedisVersionClaims::FindRequest(const std::string& case_id,
                                                                            const std::string& request_id) {
  auto version = redis_->Run({"GET", RequestKey(case_id, request_id)});
  if (!version.ok()) return version.status();
  int64_t v = 0;
  if (version->is_nil() || !absl::SimpleAtoi(version->str, &v)) return std::nullopt;
  return Get(case_id, v);
}

absl::Status RedisVersionClaims::MarkPublished(const std::string& case_id, int64_t version) {
  return redis_
      ->Eval(PublishedScript(), {ClaimKey(case_id, version), PendingKey()},
             {absl::StrCat(absl::ToInt64Seconds(window_)), PendingMember(case_id, version)})
      .status();
}

absl::StatusOr<std::vector<VersionClaim>> RedisVersionClaims::TakePending(absl::Time claimed_before,
                                                                          absl::Duration lease, int limit) {
  auto taken = redis_->Eval(TakePendingScript(), {PendingKey()},
                            {absl::StrCat(absl::ToUnixMillis(claimed_before)),
                             absl::StrCat(absl::ToUnixMillis(absl::Now() + lease)), absl::StrCat(limit)});
  if (!taken.ok()) return taken.status();
  std::vector<VersionClaim> claims;
  for (const redis::Reply& member : taken->elements) {
    std::pair<std::string, std::string> parts = absl::StrSplit(member.str, absl::MaxSplits('|', 1));
    int64_t version = 0;
    if (!absl::SimpleAtoi(parts.second, &version)) continue;
    auto claim = Get(parts.first, version);
    if (!claim.ok()) return claim.status();
    if (!claim->has_value()) {
      // The claim is gone (Redis lost it): nothing left to publish.
      (void)redis_->Run({"ZREM", PendingKey(), member.str});
      continue;
    }
    if ((*claim)->published) {
      (void)redis_->Run({"ZREM", PendingKey(), member.str});
      continue;
    }
    claims.push_back(**std::move(claim));
  }
  return claims;
}

}  // namespace gridcase::dispatch
