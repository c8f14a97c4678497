#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::dispatch {

// Outcome of writing one folded event to the projections.
enum class ApplyOutcome {
  kApplied,    // The case moved to the event's version.
  kDuplicate,  // The case is already at or past it: nothing changed.
  kGap,        // The case is behind by more than one version: an earlier event has not arrived yet.
  kDueChanged, // The due time changed since `before` was read (the SLA set a deadline): fold again.
};

// The projections of cases (case view with version, timeline, work queues): 投影.
class ProjectionStore {
 public:
  virtual ~ProjectionStore() = default;
  virtual absl::StatusOr<std::optional<v1::Case>> Load(const std::string& case_id) = 0;
  // Atomically: if the stored version is event.case_version() - 1 and the stored due time is still `before`'s, store
  // `after`, append the event to the timeline and move the case between work queues; otherwise change nothing and
  // say why.
  virtual absl::StatusOr<ApplyOutcome> Apply(const v1::CaseEvent& event, const v1::Case& after,
                                             const std::optional<v1::Case>& before) = 0;
  // Records the completion deadline the SLA service set (advisory, no new version): the case view's due_at and the
  // score in its holder's work queue. NOT_FOUND when the case is not projected yet.
  virtual absl::Status SetDueAt(const std::string& case_id, const google::protobuf::Timestamp& due_at) = 0;
};

// Folds case events into the projections, idempotently: an event seen before is a no-op, so redelivery never changes
// anything. Returns OK when the effect is durable (applied or already there); kafka::WaitForEarlierRecord (UNAVAILABLE)
// when an earlier version is missing (retry later); INVALID_ARGUMENT / DATA_LOSS for an event that can never apply
// (dead letter).
class Projector {
 public:
  // `store` must outlive the projector.
  explicit Projector(ProjectionStore* store) : store_(store) {}

  absl::StatusOr<ApplyOutcome> Project(const v1::CaseEvent& event);

 private:
  ProjectionStore* store_;
};

}  // namespace gridcase::dispatch
