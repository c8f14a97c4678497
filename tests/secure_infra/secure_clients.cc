#include "tests/secure_infra/secure_clients.h"

#include <cstdio>
#include <memory>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "libs/config/runtime_config.h"

ABSL_DECLARE_FLAG(std::string, kafka_security_protocol);
ABSL_DECLARE_FLAG(std::string, kafka_ca);
ABSL_DECLARE_FLAG(std::string, kafka_sasl_username);
ABSL_DECLARE_FLAG(std::string, kafka_sasl_password_file);

namespace gridcase::testing {

kafka::Cluster SecureKafka(const SecureInfra& secure, const std::string& password_file) {
  absl::SetFlag(&FLAGS_kafka_security_protocol, "sasl_ssl");
  absl::SetFlag(&FLAGS_kafka_ca, secure.ca);
  absl::SetFlag(&FLAGS_kafka_sasl_username, secure.kafka_user);
  absl::SetFlag(&FLAGS_kafka_sasl_password_file, password_file.empty() ? secure.kafka_password_file : password_file);
  auto config = config::LoadRuntimeConfig();
  absl::SetFlag(&FLAGS_kafka_security_protocol, "plaintext");
  absl::SetFlag(&FLAGS_kafka_ca, "");
  absl::SetFlag(&FLAGS_kafka_sasl_username, "");
  absl::SetFlag(&FLAGS_kafka_sasl_password_file, "");
  EXPECT_TRUE(config.ok()) << config.status();
  if (!config.ok()) return kafka::Cluster(secure.kafka_brokers);
  return kafka::Cluster(secure.kafka_brokers, config->kafka_client_props);
}

redis::RedisOptions SecureRedis(const SecureInfra& secure) {
  auto password = config::ReadSecretFile(secure.redis_password_file, "GRIDCASE_SECURE_REDIS_PASSWORD_FILE");
  EXPECT_TRUE(password.ok()) << password.status();
  return {.host = secure.redis.host,
          .port = secure.redis.port,
          .user = secure.redis_user,
          .password = password.ok() ? *password : ""};
}

std::string ShellOutput(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) out.append(buffer, n);
  return out;
}

std::string ServedCertificateSerial(const std::string& addr, const std::string& ca, const std::string& client_cert) {
  std::string client;
  if (!client_cert.empty()) {
    client = absl::StrCat(" -cert '", client_cert, "' -key '", absl::StripSuffix(client_cert, ".pem"), ".key'");
  }
  std::string out = ShellOutput(absl::StrCat("openssl s_client -connect ", addr, " -CAfile '", ca, "'", client,
                                             " -verify_return_error </dev/null 2>/dev/null",
                                             " | openssl x509 -noout -serial 2>/dev/null"));
  return std::string(absl::StripSuffix(absl::StripPrefix(out, "serial="), "\n"));
}

}  // namespace gridcase::testing
