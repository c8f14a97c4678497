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
// At most one record per alarm on the SLA topic. An alarm is recorded as fired only after its event is durable, and
// its timer acknowledged only after that. A timer claimed again after a claim that did not end (its claimer died
// between publishing and recording, or a publish failed without saying whether it was written) carries the time of
// that claim; before deciding anything about it the firer reads the SLA topic from that time and, if the alarm is
// there, records it as fired without publishing it again. This holds while every publish settles within the lease:
// a batch is published only before `publish_by` (half the lease), with a producer delivery timeout of a quarter of
// the lease, so a record from an earlier claim is on the topic, or will never be, by the time its lease expires.
class AlarmFirer : public DueTimerHandler {
 public:
  // How far before an interrupted claim the topic is read: records are timestamped by the claimer's clock after its
  // claim, so this only absorbs steps of that clock.
  static constexpr absl::Duration kClaimClockSlack = absl::Seconds(10);

  // All pointers must outlive the firer; `broadcaster` may be null.
  AlarmFirer(const ClockPlanner* planner, CaseClockStore* cases, SlaEventSink* sink, PublishedAlarms* published,
             AlertBroadcaster* broadcaster, std::function<absl::Time()> now,
             absl::Duration retry_backoff = absl::Seconds(1))
      : planner_(planner),
        cases_(cases),
        sink_(sink),
        published_(published),
        broadcaster_(broadcaster),
        now_(std::move(now)),
        retry_backoff_(retry_backoff) {}

  std::vector<TimerOutcome> HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now,
                                      absl::Time publish_by) override;

 private:
  const ClockPlanner* planner_;
  CaseClockStore* cases_;
  SlaEventSink* sink_;
  PublishedAlarms* published_;
  AlertBroadcaster* broadcaster_;
  std::function<absl::Time()> now_;
  absl::Duration retry_backoff_;
};

}  // namespace gridcase::sla
