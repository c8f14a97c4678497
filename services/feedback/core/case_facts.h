#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/feedback_policy.h"

namespace gridcase::feedback {

// The sign-off stages, as the SLA service names them (接单 at each stage of the chain).
inline constexpr char kStageGridVerification[] = "GRID_VERIFICATION";
inline constexpr char kStageCommunity[] = "COMMUNITY";
inline constexpr char kStageTownshipDispatch[] = "TOWNSHIP_DISPATCH";
inline constexpr char kStageDepartment[] = "DEPARTMENT";

// One sign-off obligation (接单时限): from the event that put the case in a stage to the event that ended it.
struct SignOff {
  enum class Outcome {
    kPending,   // Still running, no breach reported: not counted yet.
    kOnTime,    // Signed off by the holder at or before the due time.
    kLate,      // Signed off after it, or a breach was reported, or passed on after it.
    kExcluded,  // Ended before the due time by something other than the holder's sign-off: not counted.
  };
  std::string stage;
  std::string holder;
  int64_t start_version = 0;
  int cycle = 0;
  absl::Time started_at;
  absl::Time due;
  bool due_from_sla = false;
  bool breached = false;  // The SLA service reported the breach.
  std::optional<absl::Time> ended_at;
  bool signed_off = false;  // Ended by the stage's sign-off act.
  Outcome outcome = Outcome::kPending;
};

struct Rating {
  v1::Satisfaction satisfaction = v1::SATISFACTION_UNSPECIFIED;
  bool problem_solved = false;
  absl::Time at;
};

// One handling cycle: from submission (cycle 1) or a reopen to resolution, rating and close or the next reopen.
struct HandlingCycle {
  int number = 1;
  absl::Time started_at;
  absl::Time due;  // Completion deadline (办结时限).
  bool due_from_sla = false;
  bool breached = false;
  std::optional<absl::Time> resolved_at;
  std::string resolver;                    // Unit that resolved it (department, or community for a local case).
  std::string last_holder;                 // Last unit holding the case in this cycle.
  std::optional<Rating> rating;            // The first rating given for this cycle.
  std::optional<absl::Time> not_rated_at;  // Closed as not rated.
  std::optional<absl::Time> reopened_at;
  bool on_time = false;  // Resolved, not breached, not after the due time.
  bool overdue = false;  // Breached, or resolved after the due time.
};

// 网格核单 by a grid worker.
struct Verification {
  std::string person_id;
  std::string grid_code;
  absl::Time at;
  bool on_time = false;
};

// A case reaching a unit to handle: dispatched or transferred or reopened to a department, handled locally.
struct Receipt {
  std::string unit;
  absl::Time at;
};

// What the statistics count about one case, derived from its events and the SLA service's advisories. A pure
// function of the state: the same events give the same facts, in whatever order they arrived.
struct CaseFacts {
  bool known = false;  // The submitted event (version 1) is there.
  v1::Case current;    // Folded over the contiguous run of versions from 1.
  int64_t folded_version = 0;
  absl::Status fold_error;  // Why folding stopped before the last stored event, when it did.
  absl::Time submitted_at;
  bool verified = false;  // Passed grid verification (网格核单).
  std::optional<absl::Time> invalid_at;
  std::optional<absl::Time> duplicate_at;
  std::optional<absl::Time> closed_at;
  v1::CaseClosed::Reason close_reason = v1::CaseClosed::REASON_UNSPECIFIED;
  std::vector<SignOff> sign_offs;
  std::vector<HandlingCycle> cycles;  // cycles[i].number == i + 1.
  std::optional<Verification> verification;
  std::vector<Receipt> receipts;
};

CaseFacts ComputeFacts(const v1::FeedbackCaseState& state, const FallbackDeadlines& fallback);

// The case's county, township, community and grid codes, those known (the county read off the township code when
// the location has none).
std::vector<std::string> AreaCodes(const v1::Case& c);

}  // namespace gridcase::feedback
