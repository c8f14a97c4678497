#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/sla.pb.h"
#include "services/sla/core/clock.h"
#include "services/sla/core/sla_policy.h"
#include "services/sla/core/working_calendar.h"

namespace gridcase::sla {

// The id of a case's completion clock (one per handling cycle). Sign-off clocks are "sign_off.v<N>", N being the
// case version whose event started them, so each holder's sign-off clock is a distinct instance.
inline constexpr absl::string_view kCompletionClockId = "completion";

// "<clock id>|<cycle>": one clock instance of a case.
std::string ClockKey(absl::string_view clock_id, int cycle);

// One alarm of one clock instance: a warning threshold ("warn50"), the breach ("breach", 100 %) or an escalation rung
// beyond the breach ("escalate200"). An alarm fires at most once: its event id is derived from it alone, so its
// record on the SLA topic is recognised by event id (the firer looks for it there after an interrupted claim).
struct AlarmId {
  std::string case_id;
  std::string clock_id;
  int cycle = 0;
  std::string name;

  // "<case>|<clock>|<cycle>|<name>": the member of the timer set.
  std::string Member() const;
  // "<clock>|<cycle>|<name>": the member of the case's fired set.
  std::string FiredKey() const;
  // "<case>/sla/<clock>/<cycle>/<name>": the id of the SlaWarned / SlaBreached event it publishes.
  std::string EventId() const;
  // INVALID_ARGUMENT unless `member` has the form Member() produces.
  static absl::StatusOr<AlarmId> FromMember(absl::string_view member);

  friend bool operator==(const AlarmId& a, const AlarmId& b) = default;
};

// The percent of the allowance at which an alarm fires: 50 for "warn50", 100 for "breach", 200 for "escalate200".
// nullopt for any other name.
std::optional<int> AlarmPercent(absl::string_view name);

struct PlannedAlarm {
  AlarmId id;
  absl::Time at;  // Never before the threshold is crossed; may lie in the past (fire at once).
};

// Timer operations for a case: alarms to arm (or move) and alarms to take out. Both are idempotent.
struct TimerPlan {
  std::vector<PlannedAlarm> arm;
  std::vector<AlarmId> cancel;
};

// One entry of the due index (running clocks by due time, for ListOverdue): the due time, or nullopt to remove the
// entry (stopped, or paused before it was due).
struct DueEntry {
  std::string member;  // "<case>|<clock>|<cycle>"
  std::optional<absl::Time> due;

  friend bool operator==(const DueEntry& a, const DueEntry& b) = default;
};

// What to do with an alarm whose timer came due.
struct FireDecision {
  enum class Kind {
    kFire,   // Publish `event`: the threshold was crossed at `at`.
    kDrop,   // The alarm no longer applies (fired already, clock stopped or paused before it, re-planned): `reason`.
    kLater,  // The threshold now lies at `at`, after the time asked about: re-arm it there.
  };
  Kind kind = Kind::kDrop;
  absl::Time at;
  v1::CaseEvent event;
  std::string reason;
};

// The events → clock operations mapping of the SLA service (docs/SLA.md): folds each versioned case event into the
// SLA's view of the case (v1::SlaCaseState: the case and the history of each of its clocks) and derives what the
// event does to the clocks, which DeadlineSet events announce it, which timers to arm or cancel, and whether a timer
// that came due should fire. Pure and deterministic: the same state and event give the same result, so redelivered
// events and redone effects change nothing. Thread-safe (const).
class ClockPlanner {
 public:
  // `policy` and `calendar` must outlive the planner.
  ClockPlanner(const SlaPolicy* policy, const WorkingCalendar* calendar) : policy_(policy), calendar_(calendar) {}

  // The state after `event` (which must be state.case().version() + 1; FAILED_PRECONDITION otherwise,
  // INVALID_ARGUMENT when the case fold refuses it). Its pending_deadlines and touched_clocks describe the effects.
  // Operations that do not apply to a clock's state (resume of a running clock…) are skipped and described in
  // `notes`.
  absl::StatusOr<v1::SlaCaseState> Apply(const v1::SlaCaseState& before, const v1::CaseEvent& event,
                                         std::vector<std::string>* notes = nullptr) const;

  // Timer operations that make the timer set match the clocks: every alarm whose threshold is reached before the
  // clock stops or pauses is armed unless in `fired`, every other alarm is cancelled. For the touched clocks only,
  // or for every clock of the case when `all_clocks`.
  TimerPlan Timers(const v1::SlaCaseState& state, const absl::flat_hash_set<std::string>& fired, bool all_clocks) const;
  // Due-index entries for the touched clocks (or all).
  std::vector<DueEntry> DueEntries(const v1::SlaCaseState& state, bool all_clocks) const;

  // Whether `alarm` should fire at `now`, re-derived from the state (never early: kLater when its threshold lies
  // after `now`). The event of kFire is deterministic for a given state: republishing gives the same event.
  FireDecision Decide(const v1::SlaCaseState& state, const absl::flat_hash_set<std::string>& fired,
                      const AlarmId& alarm, absl::Time now) const;

  // The Clock a record describes, with its history replayed.
  absl::StatusOr<Clock> BuildClock(const v1::SlaClockRecord& record) const;
  // A record read at `at`, for GetCaseClocks.
  v1::CaseClock Read(const v1::SlaClockRecord& record, absl::Time at) const;
  // The alarms a record has: (name, percent) for each warning, the breach and each rung beyond it.
  std::vector<std::pair<std::string, int>> AlarmsOf(const v1::SlaClockRecord& record) const;

  const WorkingCalendar& calendar() const { return *calendar_; }
  const SlaPolicy& policy() const { return *policy_; }

 private:
  const SlaPolicy* policy_;
  const WorkingCalendar* calendar_;
};

// The record with this id and cycle, or nullptr.
const v1::SlaClockRecord* FindClock(const v1::SlaCaseState& state, absl::string_view clock_id, int cycle);

}  // namespace gridcase::sla
