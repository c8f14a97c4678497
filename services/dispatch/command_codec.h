#pragma once

#include "absl/status/statusor.h"
#include "gridcase/v1/dispatch.pb.h"
#include "services/dispatch/core/command.h"

namespace gridcase::dispatch {

// The command carried by a request, as the state machine's type. INVALID_ARGUMENT "command: …" when none is set,
// "<command>.extra: …" for a malformed duration.
absl::StatusOr<Command> CommandFromProto(const v1::CaseCommandRequest& request);

}  // namespace gridcase::dispatch
