#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/sla/core/case_clocks.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// Re-arms the timers of open clocks that went missing (a timer key lost or trimmed, a write that never landed): walks
// the due index — every running clock, a page at a time — loads each case, asks the planner for the timers its
// clocks want (ClockPlanner::Timers over all clocks: alarms not fired whose thresholds the clock will reach), and arms
// those that are neither pending nor claimed (TimerStore::ArmMissing). Counts each clock that had a timer armed again
// in gridcase_sla_clocks_rearmed_total.
//
// Safe beside the keeper and the firing loop: a case whose last event's effects are not done is left to the keeper;
// a timer armed from a state that changed meanwhile (the clock stopped, the alarm fired) comes due and is dropped by
// the firer, which re-decides on what is saved. A clock that leaves or enters the index during a pass may be skipped
// by it and is seen by the next. Thread-safe except that Run must not run twice at once.
class TimerReconciler {
 public:
  struct Options {
    absl::Duration every = absl::Minutes(30);  // Before the first pass and between passes.
    int page = 500;                            // Due-index entries per round trip.
  };

  // All pointers must outlive the reconciler.
  TimerReconciler(const ClockPlanner* planner, CaseClockStore* cases, TimerStore* timers, DueIndex* due,
                  Options options)
      : planner_(planner), cases_(cases), timers_(timers), due_(due), options_(options) {}

  // One pass over every running clock; returns how many clocks had missing timers armed again.
  absl::StatusOr<int64_t> RunOnce();
  // A pass every `every` (the first after one interval, so that replicas starting together do not all walk the index
  // at once), until Stop().
  void Run();
  void Stop();

 private:
  const ClockPlanner* planner_;
  CaseClockStore* cases_;
  TimerStore* timers_;
  DueIndex* due_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace gridcase::sla
