#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/events/keys.h"
#include "libs/events/topics.h"
#include "libs/kafka/cluster.h"
#include "libs/redis/redis_client.h"
#include "services/audit/core/audit_report.h"
#include "services/audit/core/parked_cases.h"

namespace gridcase::audit {

struct AuditOptions {
  kafka::Cluster brokers;
  events::Topics topics;
  events::Keys live;  // The projections dispatch maintains.
  // Redis key prefix the log is rebuilt into for the comparison; must hold no projections. Its keys are deleted
  // when the audit ends.
  std::string scratch_prefix;
  // While the projections are behind the log (or differ from its rebuild), audit again until they agree or this
  // much time has passed; zero audits once.
  absl::Duration settle = absl::ZeroDuration();
  absl::Duration settle_poll = absl::Milliseconds(500);
};

// Reads every case topic and its dead-letter topic from the start to its current end (no consumer group), checks
// the log's invariants (LogAudit), rebuilds the projections into `scratch_prefix` exactly as dispatch-rebuild does
// and compares them key by key with the live ones, and compares each case's projected version with the log's.
// An error means the audit could not be carried out (Kafka or Redis unreachable); broken invariants are in the
// report (AuditReport::Violated).
absl::StatusOr<AuditReport> RunAudit(const AuditOptions& options, redis::RedisClient* redis, ParkedCases* parked);

}  // namespace gridcase::audit
