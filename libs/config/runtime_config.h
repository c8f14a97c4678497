#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/config/config.h"

namespace gridcase::config {

// What every gridcase process needs to run, from flags (or GRIDCASE_* environment variables):
//   --grpc_addr, --metrics_addr, --kafka_brokers, --redis_addr, --topic_prefix, --redis_prefix, --partitions,
//   --replication_factor, --min_insync_replicas, --log_level, --drain_timeout, --kafka_consumer_props,
//   --consumer_lanes, --consumer_batch; how the process
//   reaches Kafka and Redis securely: --kafka_security_protocol, --kafka_ca, --kafka_cert, --kafka_key,
//   --kafka_sasl_mechanism, --kafka_sasl_username, --kafka_sasl_password_file, --kafka_client_props, --redis_user,
//   --redis_password_file. Secrets come only from files, never from a flag's value.
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
  // How a case-topic consumer works through its records: up to `consumer_batch` records a poll, up to
  // `consumer_lanes` cases at once (kafka::Consumer::RunBatches with kafka::CaseLanes).
  int consumer_lanes = 16;
  int consumer_batch = 256;
  // The librdkafka properties every Kafka client of the process applies, producers, consumers, the admin client and
  // topic readers alike (kafka::Cluster::properties): security.protocol, ssl.ca.location,
  // ssl.certificate.location, ssl.key.location, sasl.mechanisms, sasl.username, sasl.password (read from
  // --kafka_sasl_password_file), then --kafka_client_props.
  std::map<std::string, std::string> kafka_client_props;
  // The Redis ACL user and its password (read from --redis_password_file) every connection authenticates with;
  // both empty: no AUTH. A password without a user authenticates as Redis's `default` user.
  std::string redis_user;
  std::string redis_password;
};

// The content of a secret file named by `flag`, without one trailing newline; INVALID_ARGUMENT naming the flag when
// it cannot be read or is empty.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path, const std::string& flag);

// Reads and validates the runtime flags; INVALID_ARGUMENT naming the flag when one is wrong.
absl::StatusOr<RuntimeConfig> LoadRuntimeConfig();

}  // namespace gridcase::config
