#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/kafka/cluster.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"

namespace gridcase::testing {

// The test infrastructure's SASL_SSL listener as the services reach it: the client properties come from the
// runtime flags (--kafka_security_protocol=sasl_ssl, --kafka_ca, --kafka_sasl_*) through config::LoadRuntimeConfig.
// `password_file` replaces the SCRAM user's password file when given.
kafka::Cluster SecureKafka(const SecureInfra& secure, const std::string& password_file = "");

// Options for a client of the TLS redis-server through the tunnel, as the ACL user with its password.
redis::RedisOptions SecureRedis(const SecureInfra& secure);

// Runs `command` with /bin/sh; its standard output.
std::string ShellOutput(const std::string& command);

// The serial number of the certificate the TLS server at `addr` presents (openssl s_client, checked against `ca`,
// presenting `client_cert`/.key when given); empty when no handshake completed.
std::string ServedCertificateSerial(const std::string& addr, const std::string& ca, const std::string& client_cert = "");

}  // namespace gridcase::testing
