#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "services/feedback/core/case_facts.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {

// Keeps the statistics from the case events, incrementally: each event is added to its case's state, the case's
// facts are derived again from the whole state, and only the difference from what the case added before goes to the
// counters (HINCRBY). So an event seen twice changes nothing, events may arrive in any order across topics (later
// versions wait for a missing one), and an SLA deadline that arrives after the sign-off corrects the count.
//
// Alongside (atomically with the counters): a newly folded `resolved` opens the closure's rating slot; a newly folded
// `resident_rated` schedules a check that the rating was carried out; a feedback reopen past the reopen limit
// schedules the escalation check. Thread-safe; concurrent writers to one case retry on its revision.
class StatsRecorder {
 public:
  // `store` must outlive the recorder.
  StatsRecorder(StatsStore* store, FeedbackPolicy policy) : store_(store), policy_(std::move(policy)) {}

  // The case's facts after the event; nullopt for events the statistics ignore (SLA warnings). UNAVAILABLE when the
  // store fails or the case kept changing (retry). INVALID_ARGUMENT for an event without a case id.
  absl::StatusOr<std::optional<CaseFacts>> Record(const v1::CaseEvent& event, absl::Time now);

 private:
  CaseEffects Effects(const v1::FeedbackCaseState& state, int64_t old_version, const CaseFacts& facts,
                      absl::Time now) const;

  StatsStore* store_;
  FeedbackPolicy policy_;
};

// The unit code feedback acts as when it commands dispatch (ROLE_SYSTEM).
inline constexpr char kFeedbackUnit[] = "feedback";

}  // namespace gridcase::feedback
