#include "libs/config/runtime_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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
ABSL_FLAG(int, consumer_lanes, 16,
          "Cases a case-topic consumer handles at once (kafka::CaseLanes; one case's records stay in order)");
ABSL_FLAG(int, consumer_batch, 256, "Most records a case-topic consumer takes from one poll");
ABSL_FLAG(std::string, kafka_security_protocol, "plaintext",
          "How Kafka clients connect: plaintext, ssl (TLS) or sasl_ssl (TLS and a SASL user)");
ABSL_FLAG(std::string, kafka_ca, "",
          "PEM file of the CA(s) Kafka brokers' certificates are checked against (ssl, sasl_ssl; empty: the system's)");
ABSL_FLAG(std::string, kafka_cert, "", "PEM certificate (chain) a Kafka client presents (ssl, sasl_ssl; with --kafka_key)");
ABSL_FLAG(std::string, kafka_key, "", "PEM private key of --kafka_cert");
ABSL_FLAG(std::string, kafka_sasl_mechanism, "SCRAM-SHA-512", "SASL mechanism (sasl_ssl): SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN");
ABSL_FLAG(std::string, kafka_sasl_username, "", "SASL user of the Kafka clients (required with sasl_ssl)");
ABSL_FLAG(std::string, kafka_sasl_password_file, "",
          "File holding the SASL user's password (required with sasl_ssl; one trailing newline is ignored)");
ABSL_FLAG(std::string, kafka_client_props, "",
          "Extra librdkafka properties for every Kafka client (producers, consumers, admin, readers), k=v[,k=v…]");
ABSL_FLAG(std::string, redis_user, "", "Redis ACL user every connection authenticates as (with --redis_password_file)");
ABSL_FLAG(std::string, redis_password_file, "",
          "File holding the Redis password (AUTH on every connect; one trailing newline is ignored)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10), "How long SIGTERM waits for in-flight calls");

namespace gridcase::config {
namespace {

using Props = std::map<std::string, std::string>;

absl::StatusOr<Props> ParseProps(const std::string& value, const std::string& flag) {
  Props props;
  for (absl::string_view pair : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.first.empty() || kv.second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": expected k=v, got '", pair, "'"));
    }
    props[kv.first] = kv.second;
  }
  return props;
}

absl::Status CheckReadable(const std::string& path, const std::string& flag) {
  std::ifstream file(path);
  if (!file) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", path, "': ", std::strerror(errno)));
  return absl::OkStatus();
}

// The security.protocol, ssl.* and sasl.* properties of the --kafka_* security flags.
absl::StatusOr<Props> KafkaSecurityProps() {
  const std::string protocol = absl::GetFlag(FLAGS_kafka_security_protocol);
  const std::string ca = absl::GetFlag(FLAGS_kafka_ca);
  const std::string cert = absl::GetFlag(FLAGS_kafka_cert);
  const std::string key = absl::GetFlag(FLAGS_kafka_key);
  const std::string username = absl::GetFlag(FLAGS_kafka_sasl_username);
  const std::string password_file = absl::GetFlag(FLAGS_kafka_sasl_password_file);
  std::string mechanism = absl::AsciiStrToUpper(absl::GetFlag(FLAGS_kafka_sasl_mechanism));
  if (protocol != "plaintext" && protocol != "ssl" && protocol != "sasl_ssl") {
    return absl::InvalidArgumentError(
        absl::StrCat("--kafka_security_protocol: must be plaintext, ssl or sasl_ssl, not '", protocol, "'"));
  }
  const bool tls = protocol != "plaintext";
  const bool sasl = protocol == "sasl_ssl";
  for (const auto& [flag, value] : std::map<std::string, std::string>{
           {"--kafka_ca", ca}, {"--kafka_cert", cert}, {"--kafka_key", key}}) {
    if (!value.empty() && !tls) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": needs --kafka_security_protocol=ssl or sasl_ssl"));
    }
    if (!value.empty()) {
      if (absl::Status s = CheckReadable(value, flag); !s.ok()) return s;
    }
  }
  for (const auto& [flag, value] : std::map<std::string, std::string>{
           {"--kafka_sasl_username", username}, {"--kafka_sasl_password_file", password_file}}) {
    if (!value.empty() && !sasl) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": needs --kafka_security_protocol=sasl_ssl"));
    }
    if (value.empty() && sasl) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": required with --kafka_security_protocol=sasl_ssl"));
    }
  }
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError(cert.empty() ? "--kafka_cert: required with --kafka_key"
                                                   : "--kafka_key: required with --kafka_cert");
  }
  if (sasl && mechanism != "SCRAM-SHA-512" && mechanism != "SCRAM-SHA-256" && mechanism != "PLAIN") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--kafka_sasl_mechanism: must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, not '", mechanism, "'"));
  }
  Props props = {{"security.protocol", protocol}};
  if (!ca.empty()) props["ssl.ca.location"] = ca;
  if (!cert.empty()) {
    props["ssl.certificate.location"] = cert;
    props["ssl.key.location"] = key;
  }
  if (sasl) {
    absl::StatusOr<std::string> password = ReadSecretFile(password_file, "--kafka_sasl_password_file");
    if (!password.ok()) return password.status();
    props["sasl.mechanisms"] = mechanism;
    props["sasl.username"] = username;
    props["sasl.password"] = *password;
  }
  return props;
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(const std::string& path, const std::string& flag) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", path, "': ", std::strerror(errno)));
  std::ostringstream content;
  content << file.rdbuf();
  std::string secret = content.str();
  if (absl::EndsWith(secret, "\n")) secret.pop_back();
  if (absl::EndsWith(secret, "\r")) secret.pop_back();
  if (secret.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": '", path, "' is empty"));
  return secret;
}

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
  c.consumer_lanes = absl::GetFlag(FLAGS_consumer_lanes);
  if (c.consumer_lanes < 1 || c.consumer_lanes > 256) {
    return absl::InvalidArgumentError("--consumer_lanes: must be 1..256");
  }
  c.consumer_batch = absl::GetFlag(FLAGS_consumer_batch);
  if (c.consumer_batch < 1 || c.consumer_batch > 10000) {
    return absl::InvalidArgumentError("--consumer_batch: must be 1..10000");
  }
  auto consumer_props = ParseProps(absl::GetFlag(FLAGS_kafka_consumer_props), "--kafka_consumer_props");
  if (!consumer_props.ok()) return consumer_props.status();
  c.kafka_consumer_props = *std::move(consumer_props);
  auto security = KafkaSecurityProps();
  if (!security.ok()) return security.status();
  auto client_props = ParseProps(absl::GetFlag(FLAGS_kafka_client_props), "--kafka_client_props");
  if (!client_props.ok()) return client_props.status();
  // What the security flags and --kafka_brokers set is theirs alone, and a secret never comes from a flag's value.
  static const auto* const kOwned = new std::map<std::string, std::string>{
      {"bootstrap.servers", "--kafka_brokers"},
      {"metadata.broker.list", "--kafka_brokers"},
      {"security.protocol", "--kafka_security_protocol"},
      {"ssl.ca.location", "--kafka_ca"},
      {"ssl.certificate.location", "--kafka_cert"},
      {"ssl.key.location", "--kafka_key"},
      {"sasl.mechanisms", "--kafka_sasl_mechanism"},
      {"sasl.mechanism", "--kafka_sasl_mechanism"},
      {"sasl.username", "--kafka_sasl_username"},
      {"sasl.password", "--kafka_sasl_password_file"},
      {"ssl.key.password", "a key file without a password (--kafka_key)"},
      {"ssl.keystore.password", "--kafka_cert and --kafka_key"},
  };
  for (const Props* props : {&*client_props, &c.kafka_consumer_props}) {
    for (const auto& [key, value] : *props) {
      if (auto owned = kOwned->find(key); owned != kOwned->end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(props == &c.kafka_consumer_props ? "--kafka_consumer_props: " : "--kafka_client_props: ",
                         key, " comes from ", owned->second));
      }
    }
  }
  c.kafka_client_props = *std::move(security);
  for (auto& [key, value] : *client_props) c.kafka_client_props[key] = value;
  c.redis_user = absl::GetFlag(FLAGS_redis_user);
  if (const std::string file = absl::GetFlag(FLAGS_redis_password_file); !file.empty()) {
    auto password = ReadSecretFile(file, "--redis_password_file");
    if (!password.ok()) return password.status();
    c.redis_password = *std::move(password);
  } else if (!c.redis_user.empty()) {
    return absl::InvalidArgumentError("--redis_user: needs --redis_password_file");
  }
  if (c.drain_timeout < absl::ZeroDuration()) return absl::InvalidArgumentError("--drain_timeout: must be >= 0");
  return c;
}

}  // namespace gridcase::config
