#pragma once

#include "absl/status/status.h"
#include "libs/kafka/message.h"
#include "services/sla/alert_broadcaster.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// The handler of this replica's tail of the SLA topic (its own consumer group, from the latest offset, nothing
// committed that matters): hands every SlaWarned / SlaBreached, whichever replica fired it, to local watchers, with
// the case as this service stores it. Best effort for live watchers: always OK, a record it cannot use is skipped.
absl::Status FeedAlerts(AlertBroadcaster& broadcaster, CaseClockStore& cases, const kafka::Message& message);

}  // namespace gridcase::sla
