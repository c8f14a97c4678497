#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/message.h"

namespace gridcase::kafka {

// Reads every record the topics hold now, from the earliest offset to each partition's end as of the call, in
// offset order per partition (partitions interleaved), with keys and headers, and returns. Joins no consumer group
// and commits nothing: for rebuilding projections and for audits. A handler error stops the read and is returned.
absl::Status ReadTopics(const Cluster& brokers, const std::vector<std::string>& topics,
                        const std::function<absl::Status(const Message&)>& handler,
                        absl::Duration timeout = absl::Minutes(10));

// As ReadTopics, from each partition's first record with a timestamp at or after `from` (librdkafka's
// offsetsForTimes) instead of the earliest.
absl::Status ReadTopicsSince(const Cluster& brokers, const std::vector<std::string>& topics, absl::Time from,
                             const std::function<absl::Status(const Message&)>& handler,
                             absl::Duration timeout = absl::Minutes(10));

}  // namespace gridcase::kafka
