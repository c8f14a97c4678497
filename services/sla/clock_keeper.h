#pragma once

#include "absl/status/status.h"
#include "gridcase/v1/event.pb.h"
#include "libs/kafka/message.h"
#include "services/sla/core/case_clocks.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// Keeps the SLA's view of every case from the case topics: folds each versioned event into the case's clocks (by
// ClockPlanner), saves the new state, then carries out its effects — publishes the DeadlineSet events, then arms and
// cancels the alarms' timers, updates the due index and marks them done in one step (ClockEffectsStore).
//
// Idempotent, in the style of the dispatch projector: an event at or below the stored version changes nothing; one
// further ahead waits (UNAVAILABLE, retried) for the versions before it. The state is saved before the effects, and
// effects not marked done (a crash or an error between the two) are redone before anything else happens to the case,
// with the same event ids and the same timer members, so a redo changes nothing that was already done.
// Thread-safe; several replicas may run it at once (the versioned save lets one event through).
class ClockKeeper {
 public:
  // All pointers must outlive the keeper.
  ClockKeeper(const ClockPlanner* planner, CaseClockStore* cases, ClockEffectsStore* effects, SlaEventSink* sink)
      : planner_(planner), cases_(cases), effects_(effects), sink_(sink) {}

  // The kafka::Consumer handler: OK once the event's effects are durable; INVALID_ARGUMENT / DATA_LOSS for records
  // that can never apply (dead letter); UNAVAILABLE to retry. Advisory events (case_version 0) are acknowledged as
  // they are.
  absl::Status HandleRecord(const kafka::Message& message);
  absl::Status Handle(const v1::CaseEvent& event);

 private:
  absl::Status RunEffects(const std::string& case_id, int64_t version, const v1::SlaCaseState& state,
                          const absl::flat_hash_set<std::string>& fired, bool all_clocks);

  const ClockPlanner* planner_;
  CaseClockStore* cases_;
  ClockEffectsStore* effects_;
  SlaEventSink* sink_;
};

}  // namespace gridcase::sla
