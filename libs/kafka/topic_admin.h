#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/kafka/cluster.h"

namespace gridcase::kafka {

// How many brokers hold each partition, and how many of them must have a record before an acks=all write of it is
// acknowledged (`min.insync.replicas`).
struct Replication {
  int factor = 1;
  int min_insync = 1;
};

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
  // Topic-level settings (`retention.ms`, `min.insync.replicas`, …): given to a new topic, and set on an existing
  // one that does not hold them.
  std::map<std::string, std::string> configs;
};

// Makes the topics exist with their settings, and may be called any number of times, by several processes at once.
// A missing topic is created with its partitions, replication factor and configs. On a topic that exists, every
// config of the spec not set on the topic to that value is set (the spec's configs are always held on the topic,
// never left to the broker's defaults), and the topic's other per-topic overrides are kept;
// its partition count and replication factor are left alone (changing those takes a partition reassignment by the
// operator): fewer replicas than the spec asks for is logged (msg=topic_under_replicated), and FAILED_PRECONDITION
// when fewer than the spec's `min.insync.replicas`, since no acks=all write could then succeed.
// Services call it at start-up, so that consumers never subscribe to a missing topic and the log is kept as
// configured.
absl::Status EnsureTopics(const Cluster& brokers, const std::vector<TopicSpec>& topics,
                          absl::Duration timeout = absl::Seconds(30));

// What the cluster says about one topic.
struct TopicDescription {
  int partitions = 0;
  int replication_factor = 0;  // Replicas of its first partition.
  // Every topic config with its effective value (per-topic override, else the broker's default).
  std::map<std::string, std::string> configs;
  // The configs set on the topic itself (source DYNAMIC_TOPIC_CONFIG).
  std::map<std::string, std::string> overrides;
};

// NOT_FOUND when the topic does not exist.
absl::StatusOr<TopicDescription> DescribeTopic(const Cluster& brokers, const std::string& topic,
                                               absl::Duration timeout = absl::Seconds(30));

}  // namespace gridcase::kafka
