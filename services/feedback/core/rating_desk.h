#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/rating_store.h"

namespace gridcase::feedback {

// Dispatch, the single writer of case versions, as feedback uses it.
class CaseCommander {
 public:
  virtual ~CaseCommander() = default;
  virtual absl::StatusOr<v1::Case> GetCase(const std::string& case_id) = 0;
  virtual absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(const std::string& case_id) = 0;
  // Runs the command (feedback sets the actor: ROLE_SYSTEM, unit "feedback"); the case after it. Dispatch's codes:
  // ABORTED for a stale expected_version, FAILED_PRECONDITION for a state that does not allow the command.
  virtual absl::StatusOr<v1::Case> Execute(v1::CaseCommandRequest request) = 0;
};

struct IssuedCode {
  std::string case_id;
  int cycle = 0;
  std::string code;  // In clear, once.
  absl::Time expires_at;
};

// How a settlement left the case.
struct Settlement {
  enum class Kind {
    kClosed,       // Closed: rated (满意/基本满意) or not rated in the window.
    kReopened,     // 不满意: reopened (and escalated when past the reopen limit).
    kWaiting,      // Still awaiting the rating; check again at `recheck_at`.
    kNotAwaiting,  // The case is not resolved in this cycle (moved on, or not there yet).
  };
  Kind kind = Kind::kNotAwaiting;
  bool escalated = false;
  bool rated = false;  // The cycle has a rating in the case's timeline.
  std::optional<absl::Time> recheck_at;
  v1::Case after;
};

// 群众评单: one-time codes, the resident's rating, and carrying it into dispatch — Rate, then Close (REASON_RATED) or
// Reopen (不满意; escalated too past the reopen limit); Close (REASON_NOT_RATED) when the window passes. Every step is
// a dispatch command at the version read just before, so concurrent runs (the RPC, the settle loop on another
// replica) never apply a step twice: the loser gets ABORTED, reads again and finds the step done. Thread-safe.
class RatingDesk {
 public:
  // Pointers must outlive the desk. `new_code` makes codes (NewRatingCode in production).
  RatingDesk(RatingStore* store, CaseCommander* dispatch, RatingPolicy policy, std::function<absl::Time()> now,
             std::function<std::string()> new_code);

  // A fresh code for the case's current closure. FAILED_PRECONDITION when the case is not resolved, or its closure
  // was rated or its window is over.
  absl::StatusOr<IssuedCode> IssueCode(const std::string& case_id);

  // The resident's rating: validated (INVALID_ARGUMENT names the field), checked against the code
  // (PERMISSION_DENIED), stored once per closure (FAILED_PRECONDITION for a second), then carried out.
  absl::StatusOr<v1::RateCaseResponse> Rate(const v1::RateCaseRequest& request);

  // Carries the closure's rating — or, past the window, its absence — into dispatch.
  absl::StatusOr<Settlement> Settle(const std::string& case_id, int cycle);
  // Escalates a case that feedback reopened past the reopen limit, when no escalation followed the reopen.
  absl::StatusOr<bool> EnsureEscalated(const std::string& case_id, int cycle);
  // Runs one member of the schedule; when to run it again (nullopt: done, unschedule it).
  absl::StatusOr<std::optional<absl::Time>> RunScheduled(const std::string& member);

 private:
  absl::StatusOr<v1::Case> Command(const v1::Case& c, v1::CaseCommandRequest request);
  // Close or Reopen(+Escalate) after a rating.
  absl::StatusOr<Settlement> FollowUp(const v1::Case& c, v1::Satisfaction satisfaction, const std::string& comment);

  RatingStore* store_;
  CaseCommander* dispatch_;
  RatingPolicy policy_;
  std::function<absl::Time()> now_;
  std::function<std::string()> new_code_;
};

// The rating of `cycle` in a timeline: the last resident_rated of that cycle after its last resolution.
std::optional<v1::ResidentRated> RatingOf(const std::vector<v1::CaseEvent>& timeline, int cycle);

// Reasons written into the events.
std::string ReopenReason(int cycle, const std::string& comment);

}  // namespace gridcase::feedback
