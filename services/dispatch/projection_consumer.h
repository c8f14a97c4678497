#pragma once

#include "absl/status/status.h"
#include "libs/kafka/message.h"
#include "services/dispatch/projector.h"

namespace gridcase::dispatch {

// The Kafka handler that keeps the projections: parses a CaseEvent record and projects it. Advisory events
// (case_version 0) change no case and are acknowledged as they are. Follows the kafka::Consumer handler contract.
absl::Status HandleCaseRecord(Projector& projector, const kafka::Message& message);

}  // namespace gridcase::dispatch
