#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct rd_kafka_conf_s;

namespace gridcase::kafka {

// How the clients of a process reach the Kafka cluster: its bootstrap servers and the connection properties every
// client applies alike — producers, consumers, the admin client and topic readers (security.protocol, ssl.*,
// sasl.*, and whatever --kafka_client_props adds; see config::RuntimeConfig::kafka_client_props).
struct Cluster {
  Cluster() = default;
  // A plaintext cluster is named by its bootstrap servers alone.
  Cluster(std::string brokers) : brokers(std::move(brokers)) {}  // NOLINT(google-explicit-constructor)
  Cluster(const char* brokers) : brokers(brokers) {}              // NOLINT(google-explicit-constructor)
  Cluster(std::string brokers, std::map<std::string, std::string> properties)
      : brokers(std::move(brokers)), properties(std::move(properties)) {}

  std::string brokers;
  std::map<std::string, std::string> properties;
};

using Properties = std::map<std::string, std::string>;

// The librdkafka properties of one client: `defaults` of its kind, then bootstrap.servers and the cluster's
// connection properties, then the client's `extra`; a later one replaces an earlier one of the same name.
Properties ClientProperties(const Cluster& cluster, Properties defaults, const Properties& extra = {});

// Sets every property on `conf`. INVALID_ARGUMENT naming `what` and the property when librdkafka refuses one, with
// librdkafka's reason unless the property's name holds "password" (the reason may quote the value).
absl::Status ApplyProperties(const Properties& properties, rd_kafka_conf_s* conf, absl::string_view what);

}  // namespace gridcase::kafka
