#include "libs/testing/infra.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

Infra LoadInfra() {
  Infra infra;
  if (const char* brokers = std::getenv("GRIDCASE_KAFKA_BROKERS")) infra.kafka_brokers = brokers;
  if (const char* redis = std::getenv("GRIDCASE_REDIS_ADDR")) infra.redis_addr = redis;
  const char* binary_dir = std::getenv("GRIDCASE_BINARY_DIR");
  if ((infra.kafka_brokers.empty() || infra.redis_addr.empty()) && binary_dir != nullptr) {
    std::ifstream env(absl::StrCat(binary_dir, "/test-infra/env"));
    std::string line;
    while (std::getline(env, line)) {
      std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      if (kv.first == "GRIDCASE_KAFKA_BROKERS" && infra.kafka_brokers.empty()) infra.kafka_brokers = kv.second;
      if (kv.first == "GRIDCASE_REDIS_ADDR" && infra.redis_addr.empty()) infra.redis_addr = kv.second;
    }
  }
  if (infra.kafka_brokers.empty() || infra.redis_addr.empty()) {
    ADD_FAILURE() << "no test infrastructure: run through ctest (fixture infra_start) or set "
                     "GRIDCASE_KAFKA_BROKERS and GRIDCASE_REDIS_ADDR (scripts/infra start DIR)";
    std::abort();
  }
  auto redis = config::ParseHostPort(infra.redis_addr, "GRIDCASE_REDIS_ADDR");
  if (!redis.ok()) {
    ADD_FAILURE() << redis.status();
    std::abort();
  }
  infra.redis = *redis;
  return infra;
}

}  // namespace

const Infra& TestInfra() {
  static const Infra* infra = new Infra(LoadInfra());
  return *infra;
}

std::string UniqueName(const std::string& stem) {
  static std::atomic<int> counter{0};
  return absl::StrCat(stem, "-", getpid(), "-", absl::ToUnixMicros(absl::Now()) % 100000000, "-", counter++);
}

}  // namespace gridcase::testing
