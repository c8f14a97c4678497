#include "libs/kafka/cluster.h"

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafka.h"

namespace gridcase::kafka {

Properties ClientProperties(const Cluster& cluster, Properties defaults, const Properties& extra) {
  Properties properties = std::move(defaults);
  properties["bootstrap.servers"] = cluster.brokers;
  for (const auto& [key, value] : cluster.properties) properties[key] = value;
  for (const auto& [key, value] : extra) properties[key] = value;
  return properties;
}

absl::Status ApplyProperties(const Properties& properties, rd_kafka_conf_s* conf, absl::string_view what) {
  char error[512];
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
      // librdkafka's message may quote the value; name the property only.
      return absl::InvalidArgumentError(absl::StrCat("kafka ", what, " config ", key, ": refused by librdkafka",
                                                     key.find("password") == std::string::npos
                                                         ? absl::StrCat(" (", error, ")")
                                                         : std::string()));
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::kafka
