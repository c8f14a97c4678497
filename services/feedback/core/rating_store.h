#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {

// The rating of one closure (群众评单), as its state is kept between the resident's answer and dispatch recording it.
struct RatingSlot {
  enum class State {
    kOpen,     // Awaiting the rating.
    kClaimed,  // A rating was given with the right code; it is recorded in dispatch (or about to be).
    kExpired,  // The window passed without a rating: the case is closed as not rated.
  };
  std::string case_id;
  int cycle = 0;
  absl::Time resolved_at;
  absl::Time deadline;
  std::string resolver;
  State state = State::kOpen;
  bool has_code = false;
  int failures = 0;  // Wrong codes given since the code was issued.
  // The rating given (kClaimed).
  v1::Satisfaction satisfaction = v1::SATISFACTION_UNSPECIFIED;
  bool problem_solved = false;
  std::string comment;
};

struct GivenRating {
  v1::Satisfaction satisfaction = v1::SATISFACTION_UNSPECIFIED;
  bool problem_solved = false;
  std::string comment;
};

enum class ClaimResult {
  kClaimed,       // The rating is stored against the closure; carry it into dispatch.
  kWrongCode,     // No slot, no code issued, a code that does not match, or a code voided by too many wrong tries.
  kRatedAlready,  // This closure has its rating.
  kWindowClosed,  // The rating window is over.
};

// The rating slots (one per case: its latest closure) and the schedule of checks the settle loop runs. Members of
// the schedule: SettleMember (carry the closure's rating, or its absence, into dispatch) and EscalationMember.
// Implementations are thread-safe; every operation is atomic.
class RatingStore {
 public:
  virtual ~RatingStore() = default;

  // Opens the slot of a closure, replacing the slot of an earlier cycle, and schedules its settlement at the
  // deadline. No-op when the case already has a slot of this or a later cycle.
  virtual absl::Status OpenSlot(const SlotOpening& opening, absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<RatingSlot>> LoadSlot(const std::string& case_id) = 0;
  // Sets the hash of a newly issued code (voiding the previous one) when the slot of `cycle` is open.
  virtual absl::StatusOr<bool> SetCode(const std::string& case_id, int cycle, const std::string& code_hash) = 0;
  // Checks the code and, when it matches an open slot within its window, stores the rating (kClaimed) and schedules
  // its settlement at `recheck_at`. A wrong code counts against `max_attempts`; at the limit the code is void. The
  // int is the slot's cycle (0 without a slot).
  virtual absl::StatusOr<std::pair<ClaimResult, int>> Claim(const std::string& case_id, const std::string& code_hash,
                                                            const GivenRating& rating, absl::Time now,
                                                            absl::Time recheck_at, int max_attempts) = 0;
  // Open → expired when `now` is past the deadline of the slot of `cycle`. False when the slot is in another state.
  virtual absl::StatusOr<bool> Expire(const std::string& case_id, int cycle, absl::Time now) = 0;

  virtual absl::Status Schedule(const std::string& member, absl::Time at) = 0;
  virtual absl::Status Unschedule(const std::string& member) = 0;
  // Members due at `now`, at most `limit`, each leased (moved to now + lease) so that one replica runs it at a time;
  // one that is not unscheduled or rescheduled comes back when its lease ends.
  virtual absl::StatusOr<std::vector<std::string>> TakeDue(absl::Time now, absl::Duration lease, int limit) = 0;
};

// "rate|<case>|<cycle>": carry the closure's rating, or its absence after the window, into dispatch.
std::string SettleMember(const std::string& case_id, int cycle);
// "esc|<case>|<cycle>": escalate a case reopened past the reopen limit, if that did not happen yet.
std::string EscalationMember(const std::string& case_id, int cycle);
struct ScheduleMember {
  enum class Kind { kSettle, kEscalate };
  Kind kind;
  std::string case_id;
  int cycle = 0;
};
std::optional<ScheduleMember> ParseScheduleMember(const std::string& member);

}  // namespace gridcase::feedback
