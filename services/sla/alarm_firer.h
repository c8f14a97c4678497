#pragma once

#include <vector>

#include "services/sla/alert_broadcaster.h"
#include "services/sla/core/case_clocks.h"
#include "services/sla/sla_stores.h"
#include "services/sla/timer_loop.h"

namespace gridcase::sla {

// Fires the alarms whose timers came due: re-reads each case's clocks and fired set, asks the planner whether the
// alarm still applies (ClockPlanner::Decide), publishes the SlaWarned / SlaBreached events of those that do in one
// batch, records them as fired, and hands them to the broadcaster for WatchOverdue.
//
// Exactly-once in effect: an alarm is recorded as fired only after its event is durable, and its timer acknowledged
// only after that. A crash between publishing and recording republishes the same event (same event id) when the
// claim's lease expires — consumers dedupe by event id. An alarm already recorded as fired is dropped.
class AlarmFirer : public DueTimerHandler {
 public:
  // All pointers must outlive the firer; `broadcaster` may be null.
  AlarmFirer(const ClockPlanner* planner, CaseClockStore* cases, SlaEventSink* sink, AlertBroadcaster* broadcaster,
             std::function<absl::Time()> now, absl::Duration retry_backoff = absl::Seconds(1))
      : planner_(planner),
        cases_(cases),
        sink_(sink),
        broadcaster_(broadcaster),
        now_(std::move(now)),
        retry_backoff_(retry_backoff) {}

  std::vector<TimerOutcome> HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now) override;

 private:
  const ClockPlanner* planner_;
  CaseClockStore* cases_;
  SlaEventSink* sink_;
  AlertBroadcaster* broadcaster_;
  std::function<absl::Time()> now_;
  absl::Duration retry_backoff_;
};

}  // namespace gridcase::sla
