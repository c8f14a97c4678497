#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace gridcase::testing {

// Deletes consumer groups and their committed offsets (Kafka's DeleteGroups, as `kafka-consumer-groups.sh --delete`).
// A group must have no live member. gridcase's consumers start a group without offsets from the earliest record
// (auto.offset.reset=earliest), so a service restarted after this re-reads its topics from the beginning. A group
// that does not exist is not an error.
absl::Status DeleteConsumerGroups(const std::string& brokers, const std::vector<std::string>& groups);

}  // namespace gridcase::testing
