#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::notify {

// "in_progress" for CASE_STATUS_IN_PROGRESS: a status as callbacks spell it.
std::string StatusName(v1::CaseStatus status);

// A time as callbacks write it: RFC 3339 in China Standard Time, "2026-03-01T14:27:57+08:00".
std::string CallbackTime(absl::Time t);

// The JSON body of the callback that reports `event` to `integration` (docs/NOTIFY.md, "The callback"): the case
// after the event, the integration's request reference, the expected completion time, the reply once resolved, and
// the event id, the receiver's idempotency key. Deterministic: the same inputs give the same bytes.
std::string CallbackBody(const std::string& integration, const v1::CaseEvent& event, const v1::Case& after,
                         std::optional<absl::Time> expected_completion);

}  // namespace gridcase::notify
