#pragma once

#include <string>

#include "libs/redis/redis_client.h"
#include "services/feedback/core/rating_store.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {

// The statistics and the rating slots in Redis. Keys (with the --redis_prefix):
//   feedback:case:{<id>}            hash  rev, state (serialised v1.FeedbackCaseState)
//   feedback:stats:<period>:<row>   hash  counters (HINCRBY; a counter back at 0 is removed)
//   feedback:rows:<period>          set   rows with counters in the period
//   feedback:set:<name>             zset  overdue, public, hot:<grid>|<item>, alerted:<grid>|<item>
//   feedback:alerts                 zset  alert ids by window start; feedback:alert (hash) id → v1.HotSpotAlert
//   feedback:rating:{<id>}          hash  the case's latest closure: cycle, resolved_at, deadline (unix ms),
//                                         resolver, state (open/claimed/expired), code (SHA-256 hex), failures,
//                                         and the rating once claimed; expires `slot_retention` after its deadline
//   feedback:schedule               zset  settle-loop members by due time (unix ms)
// Every write is one Lua script, so each operation is atomic. The scripts touch keys of several hash slots: a single
// Redis server (or a cluster proxy that allows it), as for dispatch's projections. Thread-safe.
class RedisFeedbackStore : public StatsStore, public RatingStore {
 public:
  // `redis` must outlive the store.
  RedisFeedbackStore(redis::RedisClient* redis, std::string prefix,
                     absl::Duration slot_retention = absl::Hours(24 * 30))
      : redis_(redis), prefix_(std::move(prefix)), slot_retention_(slot_retention) {}

  absl::StatusOr<std::optional<v1::FeedbackCaseState>> LoadCase(const std::string& case_id) override;
  absl::StatusOr<std::vector<v1::FeedbackCaseState>> LoadCases(const std::vector<std::string>& case_ids) override;
  absl::StatusOr<bool> CommitCase(const std::string& case_id, int64_t expected_revision,
                                  const v1::FeedbackCaseState& next, const StatDelta& delta,
                                  const CaseEffects& effects) override;
  absl::StatusOr<std::vector<std::string>> Rows(const std::string& period) override;
  absl::StatusOr<std::vector<std::map<std::string, int64_t>>> ReadRows(const std::string& period,
                                                                       const std::vector<std::string>& rows) override;
  absl::StatusOr<std::vector<ScoredMember>> Range(const std::string& set, double min, double max) override;
  absl::StatusOr<std::vector<ScoredMember>> RevRange(const std::string& set, int64_t offset, int64_t count) override;
  absl::StatusOr<bool> RecordAlert(const v1::HotSpotAlert& alert) override;
  absl::StatusOr<std::vector<v1::HotSpotAlert>> ListAlerts(absl::Time from, absl::Time to) override;

  absl::Status OpenSlot(const SlotOpening& opening, absl::Time now) override;
  absl::StatusOr<std::optional<RatingSlot>> LoadSlot(const std::string& case_id) override;
  absl::StatusOr<bool> SetCode(const std::string& case_id, int cycle, const std::string& code_hash) override;
  absl::StatusOr<std::pair<ClaimResult, int>> Claim(const std::string& case_id, const std::string& code_hash,
                                                    const GivenRating& rating, absl::Time now, absl::Time recheck_at,
                                                    int max_attempts) override;
  absl::StatusOr<bool> Expire(const std::string& case_id, int cycle, absl::Time now) override;
  absl::Status Schedule(const std::string& member, absl::Time at) override;
  absl::Status Unschedule(const std::string& member) override;
  absl::StatusOr<std::vector<std::string>> TakeDue(absl::Time now, absl::Duration lease, int limit) override;

  // Key names, for tests and tools.
  std::string CaseKey(const std::string& case_id) const;
  std::string StatsKey(const std::string& period, const std::string& row) const;
  std::string SlotKey(const std::string& case_id) const;
  std::string ScheduleKey() const;

 private:
  std::string RowsKey(const std::string& period) const;
  std::string SetKey(const std::string& set) const;
  std::vector<std::string> SlotArgs(const SlotOpening& opening, absl::Time now) const;

  redis::RedisClient* redis_;
  std::string prefix_;
  absl::Duration slot_retention_;
};

}  // namespace gridcase::feedback
