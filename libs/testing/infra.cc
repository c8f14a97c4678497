#include "libs/testing/infra.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

// The variables of scripts/infra's env file, overridden by the process environment. The file is not read when the
// environment names another infrastructure (both GRIDCASE_KAFKA_BROKERS and GRIDCASE_REDIS_ADDR).
std::map<std::string, std::string> InfraVariables() {
  std::map<std::string, std::string> vars;
  const char* binary_dir = std::getenv("GRIDCASE_BINARY_DIR");
  if (binary_dir != nullptr && (std::getenv("GRIDCASE_KAFKA_BROKERS") == nullptr ||
                                std::getenv("GRIDCASE_REDIS_ADDR") == nullptr)) {
    std::ifstream env(absl::StrCat(binary_dir, "/test-infra/env"));
    std::string line;
    while (std::getline(env, line)) {
      std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      if (!kv.first.empty()) vars[kv.first] = kv.second;
    }
  }
  for (const char* name : {"GRIDCASE_KAFKA_BROKERS", "GRIDCASE_REDIS_ADDR", "GRIDCASE_SECURE_KAFKA_BROKERS",
                           "GRIDCASE_SECURE_KAFKA_USER", "GRIDCASE_SECURE_KAFKA_PASSWORD_FILE", "GRIDCASE_SECURE_CA",
                           "GRIDCASE_SECURE_REDIS_ADDR", "GRIDCASE_SECURE_REDIS_TLS_ADDR", "GRIDCASE_SECURE_REDIS_USER",
                           "GRIDCASE_SECURE_REDIS_PASSWORD_FILE"}) {
    if (const char* value = std::getenv(name)) vars[name] = value;
  }
  return vars;
}

Infra LoadInfra() {
  std::map<std::string, std::string> vars = InfraVariables();
  Infra infra;
  infra.kafka_brokers = vars["GRIDCASE_KAFKA_BROKERS"];
  infra.redis_addr = vars["GRIDCASE_REDIS_ADDR"];
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
  SecureInfra& secure = infra.secure;
  secure.kafka_brokers = vars["GRIDCASE_SECURE_KAFKA_BROKERS"];
  secure.kafka_user = vars["GRIDCASE_SECURE_KAFKA_USER"];
  secure.kafka_password_file = vars["GRIDCASE_SECURE_KAFKA_PASSWORD_FILE"];
  secure.ca = vars["GRIDCASE_SECURE_CA"];
  secure.redis_addr = vars["GRIDCASE_SECURE_REDIS_ADDR"];
  secure.redis_tls_addr = vars["GRIDCASE_SECURE_REDIS_TLS_ADDR"];
  secure.redis_user = vars["GRIDCASE_SECURE_REDIS_USER"];
  secure.redis_password_file = vars["GRIDCASE_SECURE_REDIS_PASSWORD_FILE"];
  if (!secure.redis_addr.empty()) {
    auto tunnel = config::ParseHostPort(secure.redis_addr, "GRIDCASE_SECURE_REDIS_ADDR");
    if (tunnel.ok()) secure.redis = *tunnel;
  }
  // DIR/tls/ca.pem → DIR.
  if (std::string::size_type tls = secure.ca.rfind("/tls/"); tls != std::string::npos) {
    secure.dir = secure.ca.substr(0, tls);
  }
  return infra;
}

}  // namespace

const Infra& TestInfra() {
  static const Infra* infra = new Infra(LoadInfra());
  return *infra;
}

std::vector<std::string> SecureInfraFlags(const Infra& infra) {
  const SecureInfra& secure = infra.secure;
  if (secure.kafka_brokers.empty() || secure.redis_addr.empty()) {
    ADD_FAILURE() << "the test infrastructure has no secured endpoints (GRIDCASE_SECURE_* of scripts/infra start)";
    return {};
  }
  return {absl::StrCat("--kafka_brokers=", secure.kafka_brokers),
          "--kafka_security_protocol=sasl_ssl",
          absl::StrCat("--kafka_ca=", secure.ca),
          "--kafka_sasl_mechanism=SCRAM-SHA-512",
          absl::StrCat("--kafka_sasl_username=", secure.kafka_user),
          absl::StrCat("--kafka_sasl_password_file=", secure.kafka_password_file),
          absl::StrCat("--redis_addr=", secure.redis_addr),
          absl::StrCat("--redis_user=", secure.redis_user),
          absl::StrCat("--redis_password_file=", secure.redis_password_file)};
}

std::string UniqueName(const std::string& stem) {
  static std::atomic<int> counter{0};
  return absl::StrCat(stem, "-", getpid(), "-", absl::ToUnixMicros(absl::Now()) % 100000000, "-", counter++);
}

}  // namespace gridcase::testing
