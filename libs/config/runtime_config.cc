#include "libs/config/runtime_config.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, grpc_addr, "127.0.0.1:0", "gRPC listen address (host:port; port 0 picks one)");
ABSL_FLAG(std::string, metrics_addr, "127.0.0.1:0", "Prometheus /metrics listen address");
ABSL_FLAG(std::string, kafka_brokers, "127.0.0.1:9092", "Kafka bootstrap servers");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6379", "Redis server host:port");
ABSL_FLAG(std::string, topic_prefix, "", "Prefix for every Kafka topic name (isolates test runs)");
ABSL_FLAG(std::string, redis_prefix, "", "Prefix for every Redis key (isolates test runs)");
ABSL_FLAG(int, partitions, 3, "Partitions per stage topic when creating topics");
ABSL_FLAG(int, replication_factor, 1, "Replicas of each Kafka topic when creating topics");
ABSL_FLAG(int, min_insync_replicas, 1,
          "In-sync replicas an acks=all write needs, set on every topic (at most --replication_factor)");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn or error");
ABSL_FLAG(std::string, kafka_consumer_props, "",
          "Extra librdkafka consumer properties, k=v[,k=v…] (e.g. auto.commit.interval.ms=5000)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10), "How long SIGTERM waits for in-flight calls");

namespace gridcase::config {

absl::StatusOr<RuntimeConfig> LoadRuntimeConfig() {
  RuntimeConfig c;
  c.grpc_addr = absl::GetFlag(FLAGS_grpc_addr);
  c.metrics_addr = absl::GetFlag(FLAGS_metrics_addr);
  c.kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers);
  c.topic_prefix = absl::GetFlag(FLAGS_topic_prefix);
  c.redis_prefix = absl::GetFlag(FLAGS_redis_prefix);
  c.partitions = absl::GetFlag(FLAGS_partitions);
  c.replication_factor = absl::GetFlag(FLAGS_replication_factor);
  c.min_insync_replicas = absl::GetFlag(FLAGS_min_insync_replicas);
  c.log_level = absl::GetFlag(FLAGS_log_level);
  c.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  if (auto hp = ParseHostPort(c.grpc_addr, "--grpc_addr"); !hp.ok()) return hp.status();
  if (auto hp = ParseHostPort(c.metrics_addr, "--metrics_addr"); !hp.ok()) return hp.status();
  auto redis = ParseHostPort(absl::GetFlag(FLAGS_redis_addr), "--redis_addr");
  if (!redis.ok()) return redis.status();
  c.redis = *redis;
  if (c.kafka_brokers.empty()) return absl::InvalidArgumentError("--kafka_brokers: must not be empty");
  if (c.partitions < 1 || c.partitions > 256) return absl::InvalidArgumentError("--partitions: must be 1..256");
  if (c.replication_factor < 1) return absl::InvalidArgumentError("--replication_factor: must be >= 1");
  if (c.min_insync_replicas < 1 || c.min_insync_replicas > c.replication_factor) {
    return absl::InvalidArgumentError("--min_insync_replicas: must be 1..--replication_factor");
  }
  if (c.log_level != "trace" && c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    return absl::InvalidArgumentError(absl::StrCat("--log_level: unknown level '", c.log_level, "'"));
  }
  for (absl::string_view pair : absl::StrSplit(absl::GetFlag(FLAGS_kafka_consumer_props), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.first.empty() || kv.second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--kafka_consumer_props: expected k=v, got '", pair, "'"));
    }
    c.kafka_consumer_props[kv.first] = kv.second;
  }
  if (c.drain_timeout < absl::ZeroDuration()) return absl::InvalidArgumentError("--drain_timeout: must be >= 0");
  return c;
}

}  // namespace gridcase::config
