#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/notify.pb.h"
#include "services/notify/core/outbound.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// The payload names of the case events an integration may ask for (every versioned change of a case).
const std::vector<std::string>& CallbackEventTypes();

// INVALID_ARGUMENT naming the field when a registration is malformed: name, source, an https:// callback_url
// (`allow_http` also takes http://, for development), known event names, a secret_ref that is a plain file name.
absl::Status ValidateIntegration(const v1::Integration& integration, bool allow_http);

// The messages one versioned case event causes, in the order they are to be sent: the callback to the integration
// that handed the case over, if it registered for the event's type, and the resident's notices (受理 on submitted;
// 办结 and the rating invitation on resolved; 重办 on reopened) — by SMS, and for an app request by app push as well
// (the senders send only one of the two: push when the app gave a resident id, else SMS).
// `after` is the case after the event, `source` its SourceOfSubmission; the expected completion time is `due` when
// the SLA service announced one for the case's current cycle, else the case's due_at. A pure function: the same
// inputs give the same deliveries, ids and bodies.
std::vector<Outbound> PlanDeliveries(const v1::CaseEvent& event, const v1::Case& after, const std::string& source,
                                     std::optional<absl::Time> due, const std::vector<v1::Integration>& integrations);

}  // namespace gridcase::notify
