#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/contribution.h"

namespace gridcase::feedback {

// A closure (case, cycle) that awaits its rating from `resolved_at` until `deadline` (群众评单 window).
struct SlotOpening {
  std::string case_id;
  int cycle = 0;
  absl::Time resolved_at;
  absl::Time deadline;
  std::string resolver;
};

// A check of the rating schedule (RatingStore::TakeDue) to run at `at`.
struct Scheduled {
  std::string member;
  absl::Time at;
};

// What recording an event sets going besides the statistics, written atomically with them.
struct CaseEffects {
  std::optional<SlotOpening> open_slot;
  std::vector<Scheduled> schedule;
};

struct ScoredMember {
  std::string member;
  double score = 0;
};

// Where the statistics live: each case's state (events, and what it adds to the counters), the counters per period
// and row, and the sorted sets. Implementations are thread-safe.
class StatsStore {
 public:
  virtual ~StatsStore() = default;

  virtual absl::StatusOr<std::optional<v1::FeedbackCaseState>> LoadCase(const std::string& case_id) = 0;
  // The states of these cases, in order, skipping unknown ids.
  virtual absl::StatusOr<std::vector<v1::FeedbackCaseState>> LoadCases(const std::vector<std::string>& case_ids) = 0;
  // Atomically, when the stored revision is `expected_revision` (0: no state yet): stores `next`, adds the counter
  // deltas, moves the set members and applies `effects`. Returns false, changing nothing, when the revision moved.
  virtual absl::StatusOr<bool> CommitCase(const std::string& case_id, int64_t expected_revision,
                                          const v1::FeedbackCaseState& next, const StatDelta& delta,
                                          const CaseEffects& effects) = 0;

  // The rows that have counters in a period.
  virtual absl::StatusOr<std::vector<std::string>> Rows(const std::string& period) = 0;
  // The counters of each row, in order (empty for a row without any).
  virtual absl::StatusOr<std::vector<std::map<std::string, int64_t>>> ReadRows(
      const std::string& period, const std::vector<std::string>& rows) = 0;
  // Members with min <= score <= max, by ascending score.
  virtual absl::StatusOr<std::vector<ScoredMember>> Range(const std::string& set, double min, double max) = 0;
  // Members by descending score, skipping `offset`, at most `count`.
  virtual absl::StatusOr<std::vector<ScoredMember>> RevRange(const std::string& set, int64_t offset, int64_t count) = 0;

  // Records a raised alert: in the list of alerts (by window start) and in the set of windows of its grid and item
  // (AlertedSet). False when an alert with the same id was recorded before.
  virtual absl::StatusOr<bool> RecordAlert(const v1::HotSpotAlert& alert) = 0;
  // Alerts whose window starts in [from, to), oldest first.
  virtual absl::StatusOr<std::vector<v1::HotSpotAlert>> ListAlerts(absl::Time from, absl::Time to) = 0;
};

// The window starts (unix seconds) of the alerts raised for one grid and catalogue item.
std::string AlertedSet(const std::string& grid_code, const std::string& item);

}  // namespace gridcase::feedback
