#include "libs/events/topic_specs.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace gridcase::events {

std::map<std::string, std::string> LogTopicConfigs(kafka::Replication replication) {
  return {{"retention.ms", "-1"},
          {"retention.bytes", "-1"},
          {"min.insync.replicas", absl::StrCat(replication.min_insync)}};
}

std::vector<kafka::TopicSpec> TopicSpecs(const Topics& topics, int partitions, kafka::Replication replication) {
  std::vector<kafka::TopicSpec> specs;
  for (const std::string& topic : topics.CaseTopics()) {
    for (auto [name, count] : {std::pair{topic, partitions}, std::pair{topic + ".dlt", 1}}) {
      specs.push_back({.name = name,
                       .partitions = count,
                       .replication_factor = replication.factor,
                       .configs = LogTopicConfigs(replication)});
    }
  }
  specs.push_back({.name = topics.audit(),
                   .partitions = partitions,
                   .replication_factor = replication.factor,
                   .configs = LogTopicConfigs(replication)});
  return specs;
}

kafka::TopicSpec AdvisoryTopicSpec(std::string name, int partitions, kafka::Replication replication) {
  return {.name = std::move(name),
          .partitions = partitions,
          .replication_factor = replication.factor,
          .configs = {{"retention.ms", absl::StrCat(absl::ToInt64Milliseconds(kAdvisoryRetention))},
                      {"min.insync.replicas", absl::StrCat(replication.min_insync)}}};
}

}  // namespace gridcase::events
