#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/events/keys.h"
#include "libs/events/topics.h"
#include "libs/kafka/cluster.h"
#include "libs/redis/redis_client.h"

namespace gridcase::dispatch {

struct RebuildReport {
  int64_t versioned_events = 0;  // Read from the topics (including redeliveries).
  int64_t advisory_events = 0;
  int64_t applied = 0;           // Versioned events that changed a case.
  int64_t cases = 0;
};

// Where a rebuild stands: reading the topics (`done` records read, total unknown), then projecting (`done` of
// `total` cases).
struct RebuildProgress {
  enum class Phase { kReading, kProjecting };
  Phase phase = Phase::kReading;
  int64_t done = 0;
  int64_t total = 0;
};

// Rebuilds dispatch's projections (case views, timelines, work queues, case index) from the event topics into the
// keys of `target`, which must hold no projection yet. Versioned events are applied per case in version order,
// whatever topic they came from; advisory events (due times) after them, in topic order — the same end state the
// live stage consumers reach. Breaches are not acted on: the escalations they caused are events in the topics.
// Cases are projected 64 at a time (each case's events in order by one thread): give `redis` several connections
// or group commit (redis::ForConsumerLanes) for them to run at once. `progress`, when given, is called on the
// calling thread every 1000 records read and about every 100 ms while projecting, and once at the end of each phase.
absl::StatusOr<RebuildReport> RebuildProjections(
    const kafka::Cluster& brokers, const events::Topics& topics, redis::RedisClient* redis,
    const events::Keys& target, const std::function<void(const RebuildProgress&)>& progress = nullptr);

struct Comparison {
  int64_t cases = 0;
  int64_t queues = 0;
  std::vector<std::string> differences;  // Empty when the projections are identical.
};

// Compares two sets of projections key by key: every case view (version and bytes), timeline and work queue.
absl::StatusOr<Comparison> CompareProjections(redis::RedisClient* redis, const events::Keys& live,
                                              const events::Keys& rebuilt);

}  // namespace gridcase::dispatch
