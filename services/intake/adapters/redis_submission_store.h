#pragma once

#include <map>
#include <optional>
#include <mutex>
#include <string>

#include "libs/redis/redis_client.h"
#include "services/intake/core/duplicates.h"
#include "services/intake/core/submission_store.h"

namespace gridcase::intake {

// A submission as Kafka has it: its (channel, idempotency key) and the submitted event of the case it opened, or the
// case it was linked to as a co-requester.
struct SubmissionOnRecord {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string idempotency_key;
  std::optional<v1::CaseEvent> submitted;
  std::string linked_to;
};

// What the source of truth holds about one day's submissions.
struct DayOnRecord {
  int64_t highest_case_number = 0;  // Of the case ids "GC-<day>-<n>" on record; 0 when none.
  std::vector<SubmissionOnRecord> submissions;
};

// Where submissions can be found even when Redis forgot them (Kafka).
class SubmissionLedger {
 public:
  virtual ~SubmissionLedger() = default;
  // The day (yyyymmdd, Asia/Shanghai) as recorded.
  virtual absl::StatusOr<DayOnRecord> ReadDay(const std::string& day) = 0;
};

struct RedisSubmissionStoreOptions {
  std::string prefix;       // The deployment's key prefix.
  int64_t ttl_seconds = 0;  // How long idempotency records live (0: forever).
  // Where to reseed a day's counter and its idempotency records from when Redis may have lost them; must outlive
  // the store.
  SubmissionLedger* ledger = nullptr;
  // Added to the highest case number found when reseeding: more than the submissions all intake processes can have
  // reserved but not yet published at one time (each runs at most --submit_threads + --open311_threads at once).
  int64_t reseed_margin = 1000;
};

// SubmissionStore in Redis. Keys (with the deployment prefix):
//   intake:idem:{<channel>:<key>}  hash: case_id, state (pending|published|linked), fingerprint, owner, lease_until
//                                  (Redis server time, ms), created_by, linking, event, linked_to, answer
//   intake:seq:<yyyymmdd>          daily case number counter
//   intake:seq-seed:<yyyymmdd>     the run_id of the Redis server the counter was last seeded on
//   intake:seq-seed                hash run_id, at: the Redis server this data set was first reseeded on, and when
//   intake:case:{<case id>}        the idempotency record that reserved a case id
// Every step is one Lua script, fenced by the owner token and timed by the Redis server's clock.
//
// Case ids are never handed out twice: a counter is used only on the Redis server (run_id) it was seeded on. After a
// restart (an AOF may lack its last second), a failover or a wipe the run_id differs or the marker is gone, and before
// the next case id of the day is minted the counter is raised to max(itself, the ledger's highest number of the day,
// the highest this process handed out) + reseed_margin. A day that began (less 10 minutes of clock skew) after the
// server's data set was first seeded needs no reseed: it starts at 1. Numbers may skip; none repeats. The same reseed
// puts back the idempotency records of the day's submissions on record that Redis no longer has (without their
// fingerprints), so a retry of such a key finds its case again.
class RedisSubmissionStore : public SubmissionStore {
 public:
  // `redis` must outlive the store.
  RedisSubmissionStore(redis::RedisClient* redis, RedisSubmissionStoreOptions options)
      : redis_(redis), options_(std::move(options)) {}

  absl::StatusOr<Reservation> Reserve(const SubmissionClaim& claim) override;
  absl::Status RecordLinkIntent(const SubmissionClaim& claim, const std::string& case_id) override;
  absl::StatusOr<v1::CaseEvent> SaveEvent(const SubmissionClaim& claim, const v1::CaseEvent& event) override;
  absl::Status MarkPublished(const SubmissionClaim& claim, const v1::CaseEvent& event) override;
  absl::Status MarkLinked(const SubmissionClaim& claim, const v1::SubmitCaseResponse& answer) override;
  absl::Status Release(const SubmissionClaim& claim) override;
  absl::StatusOr<std::optional<v1::Case>> SubmittedCase(const std::string& case_id) override;

 private:
  std::string IdemKey(const SubmissionClaim& claim) const;
  std::string CaseKey(const std::string& case_id) const;
  // Raises the day's counter past every number in use and marks it seeded on the current Redis server.
  absl::Status Reseed(const std::string& day);
  absl::Status Restore(const std::vector<SubmissionOnRecord>& submissions);
  void NoteHandedOut(const std::string& day, const std::string& case_id);

  redis::RedisClient* redis_;
  RedisSubmissionStoreOptions options_;
  std::mutex reseed_mu_;  // One reseed at a time per process.
  std::mutex handed_out_mu_;
  std::map<std::string, int64_t> handed_out_;  // Guarded by handed_out_mu_: day → highest number this process got.
};

// RecentCases in Redis: intake:recent-cases:{<grid>}:<item>, a sorted set of "<case id>\n<text>" scored by submit
// time (ms), trimmed to `keep` as cases are remembered and expiring `keep` after the last. Since is one command (the
// newest 50, texts included), Remember one pipeline.
class RedisRecentCases : public RecentCases {
 public:
  RedisRecentCases(redis::RedisClient* redis, std::string prefix, absl::Duration keep)
      : redis_(redis), prefix_(std::move(prefix)), keep_(keep) {}

  absl::StatusOr<std::vector<Entry>> Since(const std::string& grid_code, const std::string& catalogue_item,
                                           absl::Time since) override;
  absl::Status Remember(const std::string& grid_code, const std::string& catalogue_item, const std::string& case_id,
                        absl::string_view text, absl::Time at) override;

 private:
  std::string Key(const std::string& grid_code, const std::string& catalogue_item) const;

  redis::RedisClient* redis_;
  std::string prefix_;
  absl::Duration keep_;
};

}  // namespace gridcase::intake
