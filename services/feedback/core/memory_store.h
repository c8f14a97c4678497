#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "services/feedback/core/rating_store.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {

// StatsStore and RatingStore in memory, with the semantics of the Redis store (adapters/redis_feedback_store.h): the
// statistics core's reference store in tests (gridcase_feedback_testing, linked by tests only). Thread-safe.
class MemoryFeedbackStore : public StatsStore, public RatingStore {
 public:
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

  // For tests: when a member is scheduled (nullopt when it is not).
  std::optional<absl::Time> ScheduledAt(const std::string& member);
  // For tests: every counter (period, row) → field → value.
  CounterDelta Counters();

 private:
  struct Slot {
    RatingSlot slot;
    std::string code_hash;
  };
  void OpenSlotLocked(const SlotOpening& opening);

  std::mutex mu_;
  std::map<std::string, v1::FeedbackCaseState> cases_;
  CounterDelta counters_;
  std::map<std::string, std::set<std::string>> rows_;
  std::map<std::string, std::map<std::string, double>> sets_;
  std::map<std::string, v1::HotSpotAlert> alerts_;
  std::map<std::string, Slot> slots_;
  std::map<std::string, absl::Time> schedule_;
};

}  // namespace gridcase::feedback
