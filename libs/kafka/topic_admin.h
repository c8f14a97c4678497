#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gridcase::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
};

// Creates the topics that do not exist yet; topics that already exist are left as they are. Services call it at
// start-up so that consumers never subscribe to a missing topic.
absl::Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                          absl::Duration timeout = absl::Seconds(30));

}  // namespace gridcase::kafka
