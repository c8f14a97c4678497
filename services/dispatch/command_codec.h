#pragma once

#include "absl/status/statusor.h"
#include "gridcase/v1/dispatch.pb.h"
#include "services/dispatch/core/command.h"

namespace gridcase::dispatch {

// Bounds on every string of a command request, in characters: codes and ids (case_id, request_id, grid_code,
// department_code, catalogue_item, phone, …), a resident's name, and free text (reason, note, reply, comment, text).
inline constexpr size_t kMaxCodeCharacters = 128;
inline constexpr size_t kMaxNameCharacters = 100;
inline constexpr size_t kMaxTextCharacters = 2000;

// The command carried by a request, as the state machine's type. INVALID_ARGUMENT "command: …" when none is set,
// "<command>.extra: …" for a malformed duration, "<field path>: must be at most N characters" for a string beyond
// its bound ("resolve.reply", "add_co_requester.resident.name").
absl::StatusOr<Command> CommandFromProto(const v1::CaseCommandRequest& request);

}  // namespace gridcase::dispatch
