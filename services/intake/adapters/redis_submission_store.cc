#include "services/intake/adapters/redis_submission_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/log/log.h"
#include "services/intake/core/case_day.h"
#include "services/intake/intake_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::intake {
namespace {

// How far the clocks of intake processes and Redis may disagree.
constexpr absl::Duration kClockSkew = absl::Minutes(10);

// In the scripts, a day's counter and its seed marker live 259200 s (three days): past the day, with room for clocks
// that disagree.

// The run_id of the Redis server running the script (a restart, a failover or another server changes it).
#define GRIDCASE_RUN_ID_LUA "string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')"
// Now on the Redis server's clock, in ms: leases are timed by one clock for every intake process.
#define GRIDCASE_NOW_LUA \
  "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

// KEYS: the idempotency record, the day's counter, its seed marker, the store's seed marker. ARGV: day, ttl,
// case-index key prefix and suffix, the record's name, fingerprint, owner, lease (ms), the day's start less the
// clock skew allowed (ms). The case-index key (prefix .. case id .. suffix) is named inside the script because the
// case id is made there: the script needs a single Redis node, not a Cluster.
// Replies {state, case_id, owned, fresh, event, linked_to, linking, answer}, {'conflict', case_id} or {'unseeded'}.
const redis::Script& ReserveScript() {
  static const auto* script = new redis::Script(GRIDCASE_NOW_LUA R"lua(
local r = redis.call('HMGET', KEYS[1], 'case_id', 'state', 'event', 'linked_to', 'fingerprint', 'owner',
                     'lease_until', 'created_by', 'linking', 'answer')
if r[1] then
  if r[5] and r[5] ~= '' and ARGV[6] ~= '' and r[5] ~= ARGV[6] then return {'conflict', r[1]} end
  local state = r[2] or 'pending'
  local owned = 0
  if state == 'pending' and (r[6] == ARGV[7] or tonumber(r[7] or '0') <= now) then
    redis.call('HSET', KEYS[1], 'owner', ARGV[7], 'lease_until', now + tonumber(ARGV[8]))
    owned = 1
  end
  local fresh = 0
  if r[8] == ARGV[7] then fresh = 1 end
  return {state, r[1], owned, fresh, r[3] or '', r[4] or '', r[9] or '', r[10] or ''}
end
local run_id = )lua" GRIDCASE_RUN_ID_LUA R"lua(
if redis.call('GET', KEYS[3]) ~= run_id then
  -- A day that began after this server's data was seeded and has no counter yet: no id of it can exist anywhere,
  -- so it is numbered from 1 without a reseed.
  local seeded = redis.call('HMGET', KEYS[4], 'run_id', 'at')
  if seeded[1] == run_id and tonumber(seeded[2]) < tonumber(ARGV[9]) and redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('SET', KEYS[3], run_id, 'EX', 259200)
  else
    return {'unseeded'}
  end
end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 259200)
local id = 'GC-' .. ARGV[1] .. '-' .. string.format('%06d', n)
redis.call('HSET', KEYS[1], 'case_id', id, 'state', 'pending', 'fingerprint', ARGV[6], 'owner', ARGV[7],
           'lease_until', now + tonumber(ARGV[8]), 'created_by', ARGV[7])
local ttl = tonumber(ARGV[2])
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
redis.call('SET', ARGV[3] .. id .. ARGV[4], ARGV[5])
if ttl > 0 then redis.call('EXPIRE', ARGV[3] .. id .. ARGV[4], ttl) end
return {'pending', id, 1, 1, '', '', '', ''}
)lua");
  return *script;
}

// KEYS: the day's counter, its seed marker, the store's seed marker. ARGV: the lowest value the counter may have.
// Replies the counter. The store's marker keeps the time this server's data was first seeded.
const redis::Script& SeedScript() {
  static const auto* script = new redis::Script(GRIDCASE_NOW_LUA "local run_id = " GRIDCASE_RUN_ID_LUA R"lua(
if redis.call('HGET', KEYS[3], 'run_id') ~= run_id then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], 'run_id', run_id, 'at', now)
end
local floor = tonumber(ARGV[1])
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if floor > n then
  n = floor
  redis.call('SET', KEYS[1], n)
end
redis.call('EXPIRE', KEYS[1], 259200)
redis.call('SET', KEYS[2], run_id, 'EX', 259200)
return n
)lua");
  return *script;
}

// KEYS: the seed marker. Replies 1 when the counter was seeded on this Redis server.
const redis::Script& SeededScript() {
  static const auto* script = new redis::Script(
      "if redis.call('GET', KEYS[1]) == " GRIDCASE_RUN_ID_LUA " then return 1 end\nreturn 0");
  return *script;
}

// KEYS: the record. ARGV: owner, case id to link to. Replies 1, or 0 when the owner lost the record.
const redis::Script& LinkIntentScript() {
  static const auto* script = new redis::Script(R"lua(
local r = redis.call('HMGET', KEYS[1], 'state', 'owner', 'event')
if r[1] ~= 'pending' or r[2] ~= ARGV[1] or r[3] then return 0 end
redis.call('HSET', KEYS[1], 'linking', ARGV[2])
return 1
)lua");
  return *script;
}

// KEYS: the record. ARGV: owner, event. Replies {1, saved event} or {0} when nothing is saved and the owner lost the
// record.
const redis::Script& SaveEventScript() {
  static const auto* script = new redis::Script(R"lua(
local r = redis.call('HMGET', KEYS[1], 'owner', 'event', 'state')
if r[2] then return {1, r[2]} end
if r[1] ~= ARGV[1] or r[3] ~= 'pending' then return {0} end
redis.call('HSET', KEYS[1], 'event', ARGV[2])
redis.call('HDEL', KEYS[1], 'linking')
return {1, ARGV[2]}
)lua");
  return *script;
}

// KEYS: the record, the case index. ARGV: case id, event, fingerprint, ttl, the record's name. Recreates a record the
// store lost, unless the key was reserved again meanwhile. Replies 1, or 0 when the record belongs to another case.
const redis::Script& PublishedScript() {
  static const auto* script = new redis::Script(R"lua(
local id = redis.call('HGET', KEYS[1], 'case_id')
if id and id ~= ARGV[1] then return 0 end
if not id then
  redis.call('HSET', KEYS[1], 'case_id', ARGV[1], 'event', ARGV[2], 'fingerprint', ARGV[3])
  redis.call('SET', KEYS[2], ARGV[5])
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
  end
end
redis.call('HSET', KEYS[1], 'state', 'published')
redis.call('HDEL', KEYS[1], 'owner', 'lease_until', 'linking')
return 1
)lua");
  return *script;
}

// KEYS: the record. ARGV: linked-to case id, answer, fingerprint, ttl. Recreates a record the store lost. Replies 1,
// or 0 when the request opened a case of its own instead.
const redis::Script& LinkedScript() {
  static const auto* script = new redis::Script(R"lua(
local r = redis.call('HMGET', KEYS[1], 'case_id', 'state', 'event')
if r[2] == 'linked' then return 1 end
if r[3] then return 0 end
if not r[1] then
  redis.call('HSET', KEYS[1], 'case_id', ARGV[1], 'fingerprint', ARGV[3])
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
end
redis.call('HSET', KEYS[1], 'state', 'linked', 'linked_to', ARGV[1], 'answer', ARGV[2])
redis.call('HDEL', KEYS[1], 'owner', 'lease_until', 'linking')
return 1
)lua");
  return *script;
}

// KEYS: pairs of (idempotency record, case index). ARGV: ttl, then per pair: case id, state, event, linked_to, the
// record's name. Writes the records that do not exist; replies how many it wrote.
const redis::Script& RestoreScript() {
  static const auto* script = new redis::Script(R"lua(
local ttl = tonumber(ARGV[1])
local written = 0
for i = 1, #KEYS / 2 do
  local idem, index = KEYS[2 * i - 1], KEYS[2 * i]
  local a = 2 + (i - 1) * 5
  if redis.call('EXISTS', idem) == 0 then
    redis.call('HSET', idem, 'case_id', ARGV[a], 'state', ARGV[a + 1])
    if ARGV[a + 2] ~= '' then redis.call('HSET', idem, 'event', ARGV[a + 2]) end
    if ARGV[a + 3] ~= '' then redis.call('HSET', idem, 'linked_to', ARGV[a + 3]) end
    if ttl > 0 then redis.call('EXPIRE', idem, ttl) end
    if ARGV[a + 2] ~= '' and redis.call('EXISTS', index) == 0 then
      redis.call('SET', index, ARGV[a + 4])
      if ttl > 0 then redis.call('EXPIRE', index, ttl) end
    end
    written = written + 1
  end
end
return written
)lua");
  return *script;
}

// The newest recent cases a submission is compared with.
constexpr int kMostRecentCompared = 50;

// KEYS: the record. ARGV: owner. Ends the owner's lease now.
const redis::Script& ReleaseScript() {
  static const auto* script = new redis::Script(R"lua(
local r = redis.call('HMGET', KEYS[1], 'owner', 'state')
if r[1] == ARGV[1] and r[2] == 'pending' then redis.call('HSET', KEYS[1], 'lease_until', 0) end
return 1
)lua");
  return *script;
}

#undef GRIDCASE_RUN_ID_LUA
#undef GRIDCASE_NOW_LUA

absl::Status LostOwnership(const SubmissionClaim& claim) {
  return absl::AbortedError(absl::StrCat("idempotency_key: ", claim.idempotency_key,
                                         " is now owned by another submission attempt"));
}

// The number of a case id "GC-<day>-<n>" of `day`, or 0.
int64_t CaseNumber(const std::string& day, absl::string_view case_id) {
  std::string prefix = absl::StrCat("GC-", day, "-");
  int64_t n = 0;
  if (!absl::ConsumePrefix(&case_id, prefix) || !absl::SimpleAtoi(case_id, &n)) return 0;
  return n;
}

}  // namespace

std::string RedisSubmissionStore::IdemKey(const SubmissionClaim& claim) const {
  return absl::StrCat(options_.prefix, "intake:idem:{", v1::Channel_Name(claim.channel), ":", claim.idempotency_key,
                      "}");
}

std::string RedisSubmissionStore::CaseKey(const std::string& case_id) const {
  return absl::StrCat(options_.prefix, "intake:case:{", case_id, "}");
}

absl::StatusOr<Reservation> RedisSubmissionStore::Reserve(const SubmissionClaim& claim) {
  std::string idem = IdemKey(claim);
  auto day_start = ShanghaiDayStart(claim.day);
  if (!day_start.ok()) return day_start.status();
  std::vector<std::string> keys = {idem, absl::StrCat(options_.prefix, "intake:seq:", claim.day),
                                   absl::StrCat(options_.prefix, "intake:seq-seed:", claim.day),
                                   absl::StrCat(options_.prefix, "intake:seq-seed")};
  std::vector<std::string> args = {claim.day,
                                   absl::StrCat(options_.ttl_seconds),
                                   absl::StrCat(options_.prefix, "intake:case:{"),
                                   "}",
                                   idem,
                                   claim.fingerprint,
                                   claim.owner,
                                   absl::StrCat(absl::ToInt64Milliseconds(claim.lease)),
                                   absl::StrCat(absl::ToUnixMillis(*day_start - kClockSkew))};
  absl::StatusOr<redis::Reply> reply;
  // A reseed makes the counter usable unless the server changed again meanwhile: give up after a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    reply = redis_->Eval(ReserveScript(), keys, args);
    if (!reply.ok()) return reply.status();
    if (reply->elements.empty() || reply->elements[0].str != "unseeded") break;
    if (absl::Status s = Reseed(claim.day); !s.ok()) return s;
  }
  const std::vector<redis::Reply>& e = reply->elements;
  if (e.size() == 2 && e[0].str == "conflict") {
    Reservation r;
    r.state = Reservation::State::kConflict;
    r.case_id = e[1].str;
    return r;
  }
  if (e.size() != 8) return absl::UnavailableError("intake reserve: the day's case numbers could not be seeded");
  Reservation r;
  const std::string& state = e[0].str;
  r.state = state == "published" ? Reservation::State::kPublished
            : state == "linked"  ? Reservation::State::kLinked
                                 : Reservation::State::kPending;
  r.case_id = e[1].str;
  r.owned = e[2].integer == 1;
  r.fresh = e[3].integer == 1;
  if (!e[4].str.empty()) {
    v1::CaseEvent event;
    if (!event.ParseFromString(e[4].str)) {
      return absl::DataLossError(absl::StrCat("saved submission of ", r.case_id, " is corrupt"));
    }
    r.saved_event = std::move(event);
  }
  r.linked_to = e[5].str;
  r.linking_to = e[6].str;
  if (!e[7].str.empty()) {
    v1::SubmitCaseResponse answer;
    if (!answer.ParseFromString(e[7].str)) {
      return absl::DataLossError(absl::StrCat("saved answer of ", r.case_id, " is corrupt"));
    }
    r.linked_answer = std::move(answer);
  }
  if (r.fresh) NoteHandedOut(claim.day, r.case_id);
  return r;
}

void RedisSubmissionStore::NoteHandedOut(const std::string& day, const std::string& case_id) {
  int64_t n = CaseNumber(day, case_id);
  std::lock_guard<std::mutex> lock(handed_out_mu_);
  int64_t& highest = handed_out_[day];
  highest = std::max(highest, n);
  // Only the last few days matter: a counter lives three days.
  while (handed_out_.size() > 4) handed_out_.erase(handed_out_.begin());
}

absl::Status RedisSubmissionStore::Reseed(const std::string& day) {
  std::lock_guard<std::mutex> reseeding(reseed_mu_);
  std::string counter = absl::StrCat(options_.prefix, "intake:seq:", day);
  std::string marker = absl::StrCat(options_.prefix, "intake:seq-seed:", day);
  // Another thread may have reseeded while this one waited for the lock.
  auto seeded = redis_->Eval(SeededScript(), {marker}, {});
  if (!seeded.ok()) return seeded.status();
  if (seeded->integer == 1) return absl::OkStatus();
  if (options_.ledger == nullptr) return absl::FailedPreconditionError("intake: no submission ledger to reseed from");
  auto on_record = options_.ledger->ReadDay(day);
  if (!on_record.ok()) {
    return absl::UnavailableError(absl::StrCat("intake: cannot reseed the case numbers of ", day, ": ",
                                               on_record.status().message()));
  }
  // Records first: once the counter is seeded, a retry of a lost key must find its case, not mint another.
  if (absl::Status s = Restore(on_record->submissions); !s.ok()) return s;
  int64_t floor = on_record->highest_case_number;
  {
    std::lock_guard<std::mutex> lock(handed_out_mu_);
    auto it = handed_out_.find(day);
    if (it != handed_out_.end()) floor = std::max(floor, it->second);
  }
  floor += options_.reseed_margin;
  auto reply = redis_->Eval(SeedScript(), {counter, marker, absl::StrCat(options_.prefix, "intake:seq-seed")},
                            {absl::StrCat(floor)});
  if (!reply.ok()) return reply.status();
  IntakeMetrics::Get().case_number_reseeds.Increment();
  spdlog::warn("msg=case_numbers_reseeded day={} highest_on_record={} submissions_on_record={} counter={}", day,
               on_record->highest_case_number, on_record->submissions.size(), reply->integer);
  return absl::OkStatus();
}

absl::Status RedisSubmissionStore::Restore(const std::vector<SubmissionOnRecord>& submissions) {
  constexpr size_t kBatch = 200;
  int64_t restored = 0;
  for (size_t start = 0; start < submissions.size(); start += kBatch) {
    std::vector<std::string> keys;
    std::vector<std::string> args = {absl::StrCat(options_.ttl_seconds)};
    for (size_t i = start; i < std::min(start + kBatch, submissions.size()); ++i) {
      const SubmissionOnRecord& s = submissions[i];
      SubmissionClaim claim{.channel = s.channel, .idempotency_key = s.idempotency_key};
      std::string idem = IdemKey(claim);
      std::string case_id = s.submitted.has_value() ? s.submitted->case_id() : s.linked_to;
      keys.push_back(idem);
      keys.push_back(CaseKey(case_id));
      args.push_back(case_id);
      args.push_back(s.submitted.has_value() ? "published" : "linked");
      args.push_back(s.submitted.has_value() ? s.submitted->SerializeAsString() : "");
      args.push_back(s.submitted.has_value() ? "" : s.linked_to);
      args.push_back(idem);
    }
    auto reply = redis_->Eval(RestoreScript(), keys, args);
    if (!reply.ok()) return reply.status();
    restored += reply->integer;
  }
  if (restored > 0) spdlog::warn("msg=idempotency_records_restored count={}", restored);
  return absl::OkStatus();
}

absl::Status RedisSubmissionStore::RecordLinkIntent(const SubmissionClaim& claim, const std::string& case_id) {
  auto reply = redis_->Eval(LinkIntentScript(), {IdemKey(claim)}, {claim.owner, case_id});
  if (!reply.ok()) return reply.status();
  return reply->integer == 1 ? absl::OkStatus() : LostOwnership(claim);
}

absl::StatusOr<v1::CaseEvent> RedisSubmissionStore::SaveEvent(const SubmissionClaim& claim,
                                                              const v1::CaseEvent& event) {
  auto reply = redis_->Eval(SaveEventScript(), {IdemKey(claim)}, {claim.owner, event.SerializeAsString()});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2 || reply->elements[0].integer != 1) return LostOwnership(claim);
  v1::CaseEvent saved;
  if (!saved.ParseFromString(reply->elements[1].str)) {
    return absl::DataLossError(absl::StrCat("saved submission of ", event.case_id(), " is corrupt"));
  }
  return saved;
}

absl::Status RedisSubmissionStore::MarkPublished(const SubmissionClaim& claim, const v1::CaseEvent& event) {
  std::string idem = IdemKey(claim);
  auto reply = redis_->Eval(PublishedScript(), {idem, CaseKey(event.case_id())},
                            {event.case_id(), event.SerializeAsString(), claim.fingerprint,
                             absl::StrCat(options_.ttl_seconds), idem});
  if (!reply.ok()) return reply.status();
  if (reply->integer != 1) {
    // Redis lost the record and the key was reserved again before this publish was recorded.
    spdlog::error("msg=published_record_taken case_id={} idempotency_key={}", event.case_id(),
                  log::Quote(claim.idempotency_key));
  }
  return absl::OkStatus();
}

absl::Status RedisSubmissionStore::MarkLinked(const SubmissionClaim& claim, const v1::SubmitCaseResponse& answer) {
  auto reply = redis_->Eval(LinkedScript(), {IdemKey(claim)},
                            {answer.linked_to_case_id(), answer.SerializeAsString(), claim.fingerprint,
                             absl::StrCat(options_.ttl_seconds)});
  if (!reply.ok()) return reply.status();
  if (reply->integer != 1) {
    // Another attempt was told dispatch refused the link and opened a case; this one's link went through after all.
    spdlog::error("msg=linked_after_case_opened linked_to={} idempotency_key={}", answer.linked_to_case_id(),
                  log::Quote(claim.idempotency_key));
    return LostOwnership(claim);
  }
  return absl::OkStatus();
}

absl::Status RedisSubmissionStore::Release(const SubmissionClaim& claim) {
  return redis_->Eval(ReleaseScript(), {IdemKey(claim)}, {claim.owner}).status();
}

absl::StatusOr<std::vector<RecentCases::Entry>> RedisRecentCases::Since(const std::string& grid_code,
                                                                       const std::string& catalogue_item,
                                                                       absl::Time since) {
  auto members = redis_->Run({"ZREVRANGEBYSCORE", Key(grid_code, catalogue_item), "+inf",
                              absl::StrCat(absl::ToUnixMillis(since)), "LIMIT", "0",
                              absl::StrCat(kMostRecentCompared)});
  if (!members.ok()) return members.status();
  std::vector<Entry> entries;
  entries.reserve(members->elements.size());
  for (const redis::Reply& member : members->elements) {
    const size_t cut = member.str.find('\n');
    if (cut == std::string::npos) return absl::DataLossError(absl::StrCat("recent case '", member.str, "' has no text"));
    entries.push_back({member.str.substr(0, cut), member.str.substr(cut + 1)});
  }
  return entries;
}

absl::Status RedisRecentCases::Remember(const std::string& grid_code, const std::string& catalogue_item,
                                        const std::string& case_id, absl::string_view text, absl::Time at) {
  const std::string key = Key(grid_code, catalogue_item);
  const int64_t at_ms = absl::ToUnixMillis(at);
  const int64_t keep_ms = absl::ToInt64Milliseconds(keep_);
  return redis_
      ->Pipeline({{"ZADD", key, absl::StrCat(at_ms), absl::StrCat(case_id, "\n", text)},
                  {"ZREMRANGEBYSCORE", key, "-inf", absl::StrCat("(", at_ms - keep_ms)},
                  {"PEXPIRE", key, absl::StrCat(keep_ms)}})
      .status();
}

std::string RedisRecentCases::Key(const std::string& grid_code, const std::string& catalogue_item) const {
  return absl::StrCat(prefix_, "intake:recent-cases:{", grid_code, "}:", catalogue_item);
}

absl::StatusOr<std::optional<v1::Case>> RedisSubmissionStore::SubmittedCase(const std::string& case_id) {
  auto idem = redis_->Run({"GET", CaseKey(case_id)});
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
