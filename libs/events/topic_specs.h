#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_admin.h"

namespace gridcase::events {

// Every case topic and dead-letter topic of `topics`, and the audit topic, for kafka::EnsureTopics at start-up. The case topics are the
// source of truth, their dead-letter topics the evidence of what could not apply and the audit topic the record of
// who saw or changed what, so all are kept forever
// (retention.ms and retention.bytes -1, LogTopicConfigs) with the given replication.
std::vector<kafka::TopicSpec> TopicSpecs(const Topics& topics, int partitions, kafka::Replication replication);

// A derived, advisory topic (e.g. feedback's hot-spot alerts): nothing is rebuilt from it, so it keeps
// kAdvisoryRetention of records; replicated like the log.
inline constexpr absl::Duration kAdvisoryRetention = absl::Hours(24 * 7);
kafka::TopicSpec AdvisoryTopicSpec(std::string name, int partitions, kafka::Replication replication);

// Settings of a topic that is never deleted from: unlimited time and size, and the in-sync replicas an acks=all
// write needs.
std::map<std::string, std::string> LogTopicConfigs(kafka::Replication replication);

}  // namespace gridcase::events
