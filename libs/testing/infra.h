#pragma once

#include <string>

#include "libs/config/config.h"

namespace gridcase::testing {

// The Kafka broker and redis-server started for this test run by scripts/infra (the CTest fixture `infra`).
// Integration tests fail, rather than skip, when it is missing.
struct Infra {
  std::string kafka_brokers;
  std::string redis_addr;
  config::HostPort redis;
};
const Infra& TestInfra();

// A string unique to this process and call, for topic names, group ids and Redis key prefixes, so that tests
// sharing one broker never see each other's data.
std::string UniqueName(const std::string& stem);

}  // namespace gridcase::testing
