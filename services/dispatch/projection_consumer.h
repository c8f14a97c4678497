#pragma once

#include "absl/status/status.h"
#include "libs/kafka/message.h"
#include "services/dispatch/case_commands.h"
#include "services/dispatch/projector.h"

namespace gridcase::dispatch {

// The Kafka handler of dispatch's stage consumers (kafka::Consumer handler contract):
// - versioned events are projected (idempotent by version);
// - the SLA service's advisory DeadlineSet (completion clock) records the case's due time;
// - an advisory SlaBreached asking for a higher rung escalates the case (提级) one level at a time until it reaches
//   it, through `commands` as ROLE_SYSTEM; redelivery finds the level already reached and does nothing.
// With `commands` null (the rebuild) breaches are not acted on: the escalations they caused are events already.
class CaseRecordHandler {
 public:
  CaseRecordHandler(Projector* projector, ProjectionStore* store, CaseCommands* commands)
      : projector_(projector), store_(store), commands_(commands) {}

  absl::Status Handle(const kafka::Message& message);
  absl::Status HandleEvent(const v1::CaseEvent& event);

 private:
  absl::Status Escalate(const v1::CaseEvent& breach);

  Projector* projector_;
  ProjectionStore* store_;
  CaseCommands* commands_;
};

}  // namespace gridcase::dispatch
