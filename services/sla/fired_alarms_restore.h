#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/kafka/cluster.h"
#include "libs/redis/redis_client.h"
#include "services/sla/adapters/sla_keys.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// The record that an alarm fired lives in Redis (sla:fired:{<case>}); the alarm itself on the SLA topic. When Redis
// has lost that record — a wipe, a restart that lost writes, a failover — a replay of the case topics would fire every
// due alarm again. So, at start-up and before any clock is planned: unless the fired sets were restored on this very
// Redis server (the marker holds its run_id), every alarm on the SLA topic (sla_warned / sla_breached, by event id
// "<case>/sla/<clock>/<cycle>/<alarm>") is recorded as fired again, then the marker is set. Returns how many alarms
// were recorded; 0 without reading when the marker matches.
absl::StatusOr<int64_t> RestoreFiredAlarms(redis::RedisClient* redis, const SlaKeys& keys, CaseClockStore* cases,
                                           const kafka::Cluster& kafka_brokers, const std::string& sla_topic);

}  // namespace gridcase::sla
