#pragma once

#include <string>
#include <vector>

#include "libs/config/config.h"

namespace gridcase::testing {

// The secured endpoints scripts/infra starts beside the plaintext ones (docs/SECURITY.md, "Kafka and Redis in
// transit"): the same broker's SASL_SSL listener, and a TLS-only redis-server with an ACL user, reached through a
// local stunnel tunnel.
struct SecureInfra {
  std::string kafka_brokers;        // The SASL_SSL listener.
  std::string kafka_user;           // Its SCRAM-SHA-512 user.
  std::string kafka_password_file;
  std::string ca;                   // PEM of the local CA of every certificate.
  std::string redis_addr;           // The tunnel: plaintext on loopback, TLS to the server.
  config::HostPort redis;
  std::string redis_tls_addr;       // The TLS-only redis-server itself.
  std::string redis_user;           // Its ACL user (the only one; `default` is off).
  std::string redis_password_file;
  std::string dir;                  // The infrastructure's directory (scripts/infra renew-certs DIR).
};

// The Kafka broker and redis-server started for this test run by scripts/infra (the CTest fixture `infra`).
// Integration tests fail, rather than skip, when it is missing.
struct Infra {
  std::string kafka_brokers;
  std::string redis_addr;
  config::HostPort redis;
  // Empty when the infrastructure was given by GRIDCASE_KAFKA_BROKERS and GRIDCASE_REDIS_ADDR alone.
  SecureInfra secure;
};
const Infra& TestInfra();

// The flags that make a gridcase process reach Kafka and Redis over the secured endpoints (--kafka_brokers,
// --kafka_security_protocol=sasl_ssl, --kafka_ca, --kafka_sasl_*, --redis_addr, --redis_user,
// --redis_password_file). Fails the test when the infrastructure has no secured endpoints.
std::vector<std::string> SecureInfraFlags(const Infra& infra);

// A string unique to this process and call, for topic names, group ids and Redis key prefixes, so that tests
// sharing one broker never see each other's data.
std::string UniqueName(const std::string& stem);

}  // namespace gridcase::testing
