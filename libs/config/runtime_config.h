#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/config/config.h"

namespace gridcase::config {

// What every gridcase process needs to run, from flags (or GRIDCASE_* environment variables):
//   --grpc_addr, --metrics_addr, --kafka_brokers, --redis_addr, --topic_prefix, --redis_prefix, --partitions,
//   --replication_factor, --min_insync_replicas, --log_level, --drain_timeout, --kafka_consumer_props.
struct RuntimeConfig {
  std::string grpc_addr;
  std::string metrics_addr;
  std::string kafka_brokers;
  HostPort redis;
  std::string topic_prefix;
  std::string redis_prefix;
  int partitions = 3;
  // Replicas of each topic the process creates, and how many must hold a record before acks=all succeeds
  // (min.insync.replicas, set on the topics). 1/1 for a single local broker; 3/2 in production.
  int replication_factor = 1;
  int min_insync_replicas = 1;
  std::string log_level;
  absl::Duration drain_timeout;
  std::map<std::string, std::string> kafka_consumer_props;
};

// Reads and validates the runtime flags; INVALID_ARGUMENT naming the flag when one is wrong.
absl::StatusOr<RuntimeConfig> LoadRuntimeConfig();

}  // namespace gridcase::config
