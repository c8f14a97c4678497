#include "libs/config/runtime_config.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(int, replication_factor);
ABSL_DECLARE_FLAG(int, min_insync_replicas);
ABSL_DECLARE_FLAG(std::string, kafka_security_protocol);
ABSL_DECLARE_FLAG(std::string, kafka_ca);
ABSL_DECLARE_FLAG(std::string, kafka_cert);
ABSL_DECLARE_FLAG(std::string, kafka_key);
ABSL_DECLARE_FLAG(std::string, kafka_sasl_mechanism);
ABSL_DECLARE_FLAG(std::string, kafka_sasl_username);
ABSL_DECLARE_FLAG(std::string, kafka_sasl_password_file);
ABSL_DECLARE_FLAG(std::string, kafka_client_props);
ABSL_DECLARE_FLAG(std::string, kafka_consumer_props);
ABSL_DECLARE_FLAG(int, consumer_lanes);
ABSL_DECLARE_FLAG(int, consumer_batch);
ABSL_DECLARE_FLAG(std::string, redis_user);
ABSL_DECLARE_FLAG(std::string, redis_password_file);

namespace gridcase::config {
namespace {

class ReplicationFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_replication_factor, 1);
    absl::SetFlag(&FLAGS_min_insync_replicas, 1);
  }
};

TEST_F(ReplicationFlagsTest, DefaultsSuitOneLocalBroker) {
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->replication_factor, 1);
  EXPECT_EQ(config->min_insync_replicas, 1);
}

TEST_F(ReplicationFlagsTest, ProductionValuesAreRead) {
  absl::SetFlag(&FLAGS_replication_factor, 3);
  absl::SetFlag(&FLAGS_min_insync_replicas, 2);
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->replication_factor, 3);
  EXPECT_EQ(config->min_insync_replicas, 2);
}

TEST_F(ReplicationFlagsTest, MoreInSyncReplicasThanReplicasIsRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_replication_factor, 2);
  absl::SetFlag(&FLAGS_min_insync_replicas, 3);
  auto config = LoadRuntimeConfig();
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message().rfind("--min_insync_replicas", 0), 0u) << config.status();
  absl::SetFlag(&FLAGS_replication_factor, 0);
  absl::SetFlag(&FLAGS_min_insync_replicas, 1);
  EXPECT_EQ(LoadRuntimeConfig().status().message().rfind("--replication_factor", 0), 0u);
}

TEST(ConsumerFlagsTest, LanesAndBatchAreReadAndOutOfRangeValuesAreRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_consumer_lanes, 4);
  absl::SetFlag(&FLAGS_consumer_batch, 100);
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->consumer_lanes, 4);
  EXPECT_EQ(config->consumer_batch, 100);
  absl::SetFlag(&FLAGS_consumer_lanes, 0);
  EXPECT_EQ(LoadRuntimeConfig().status().message().rfind("--consumer_lanes", 0), 0u);
  absl::SetFlag(&FLAGS_consumer_lanes, 16);
  absl::SetFlag(&FLAGS_consumer_batch, 0);
  EXPECT_EQ(LoadRuntimeConfig().status().message().rfind("--consumer_batch", 0), 0u);
  absl::SetFlag(&FLAGS_consumer_batch, 256);
}

// A file under the test's temporary directory with `content`.
std::string WriteFile(const std::string& name, const std::string& content) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name + "-" + std::to_string(getpid());
  std::ofstream(path) << content;
  return path;
}

class SecurityFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    absl::SetFlag(&FLAGS_kafka_security_protocol, "plaintext");
    for (auto* flag : {&FLAGS_kafka_ca, &FLAGS_kafka_cert, &FLAGS_kafka_key, &FLAGS_kafka_sasl_username,
                       &FLAGS_kafka_sasl_password_file, &FLAGS_kafka_client_props, &FLAGS_kafka_consumer_props,
                       &FLAGS_redis_user, &FLAGS_redis_password_file}) {
      absl::SetFlag(flag, "");
    }
    absl::SetFlag(&FLAGS_kafka_sasl_mechanism, "SCRAM-SHA-512");
  }

  // Expects LoadRuntimeConfig to fail with INVALID_ARGUMENT whose message starts with `flag`.
  static void ExpectRefused(const std::string& flag) {
    auto config = LoadRuntimeConfig();
    ASSERT_FALSE(config.ok()) << "expected " << flag << " to be refused";
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << config.status();
    EXPECT_EQ(config.status().message().rfind(flag + ":", 0), 0u) << config.status();
  }

  void SetSaslSsl() {
    absl::SetFlag(&FLAGS_kafka_security_protocol, "sasl_ssl");
    absl::SetFlag(&FLAGS_kafka_ca, ca_);
    absl::SetFlag(&FLAGS_kafka_sasl_username, "gridcase");
    absl::SetFlag(&FLAGS_kafka_sasl_password_file, password_);
  }

  std::string ca_ = WriteFile("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  std::string password_ = WriteFile("kafka.password", "s3cret\n");
};

TEST_F(SecurityFlagsTest, PlaintextByDefaultWithNoSecrets) {
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kafka_client_props, (std::map<std::string, std::string>{{"security.protocol", "plaintext"}}));
  EXPECT_TRUE(config->redis_user.empty());
  EXPECT_TRUE(config->redis_password.empty());
}

TEST_F(SecurityFlagsTest, SaslSslBecomesTheClientPropertiesWithThePasswordFromItsFile) {
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_client_props, "socket.keepalive.enable=true,ssl.endpoint.identification.algorithm=https");
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kafka_client_props, (std::map<std::string, std::string>{
                                            {"security.protocol", "sasl_ssl"},
                                            {"ssl.ca.location", ca_},
                                            {"sasl.mechanisms", "SCRAM-SHA-512"},
                                            {"sasl.username", "gridcase"},
                                            {"sasl.password", "s3cret"},
                                            {"socket.keepalive.enable", "true"},
                                            {"ssl.endpoint.identification.algorithm", "https"},
                                        }));
}

TEST_F(SecurityFlagsTest, UnknownProtocolIsRefused) {
  absl::SetFlag(&FLAGS_kafka_security_protocol, "tls");
  ExpectRefused("--kafka_security_protocol");
}

TEST_F(SecurityFlagsTest, TlsFilesNeedATlsProtocol) {
  absl::SetFlag(&FLAGS_kafka_ca, ca_);
  ExpectRefused("--kafka_ca");
}

TEST_F(SecurityFlagsTest, UnreadableFilesAreRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_kafka_security_protocol, "ssl");
  absl::SetFlag(&FLAGS_kafka_ca, "/nonexistent/ca.pem");
  ExpectRefused("--kafka_ca");
  absl::SetFlag(&FLAGS_kafka_ca, ca_);
  absl::SetFlag(&FLAGS_kafka_cert, "/nonexistent/client.pem");
  absl::SetFlag(&FLAGS_kafka_key, ca_);
  ExpectRefused("--kafka_cert");
}

TEST_F(SecurityFlagsTest, ACertificateNeedsItsKey) {
  absl::SetFlag(&FLAGS_kafka_security_protocol, "ssl");
  absl::SetFlag(&FLAGS_kafka_cert, ca_);
  ExpectRefused("--kafka_key");
  absl::SetFlag(&FLAGS_kafka_cert, "");
  absl::SetFlag(&FLAGS_kafka_key, ca_);
  ExpectRefused("--kafka_cert");
}

TEST_F(SecurityFlagsTest, SaslNeedsItsUserAndPasswordFileAndNothingElseTakesThem) {
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_sasl_username, "");
  ExpectRefused("--kafka_sasl_username");
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_sasl_password_file, "");
  ExpectRefused("--kafka_sasl_password_file");
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_sasl_password_file, WriteFile("empty.password", "\n"));
  ExpectRefused("--kafka_sasl_password_file");
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_sasl_mechanism, "GSSAPI");
  ExpectRefused("--kafka_sasl_mechanism");
  SetSaslSsl();
  absl::SetFlag(&FLAGS_kafka_security_protocol, "ssl");
  ExpectRefused("--kafka_sasl_password_file");
  absl::SetFlag(&FLAGS_kafka_sasl_password_file, "");
  ExpectRefused("--kafka_sasl_username");
}

TEST_F(SecurityFlagsTest, ClientPropsMayNotCarrySecretsOrWhatTheSecurityFlagsSet) {
  absl::SetFlag(&FLAGS_kafka_client_props, "sasl.password=s3cret");
  ExpectRefused("--kafka_client_props");
  absl::SetFlag(&FLAGS_kafka_client_props, "security.protocol=sasl_ssl");
  ExpectRefused("--kafka_client_props");
  absl::SetFlag(&FLAGS_kafka_client_props, "linger.ms");
  ExpectRefused("--kafka_client_props");
  absl::SetFlag(&FLAGS_kafka_client_props, "");
  absl::SetFlag(&FLAGS_kafka_consumer_props, "sasl.password=s3cret");
  ExpectRefused("--kafka_consumer_props");
}

TEST_F(SecurityFlagsTest, ThePasswordErrorNeverShowsTheSecret) {
  absl::SetFlag(&FLAGS_kafka_client_props, "sasl.password=s3cret");
  auto config = LoadRuntimeConfig();
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message().find("s3cret"), absl::string_view::npos) << config.status();
}

TEST_F(SecurityFlagsTest, RedisUserAndPasswordComeTogether) {
  absl::SetFlag(&FLAGS_redis_user, "gridcase");
  ExpectRefused("--redis_user");
  absl::SetFlag(&FLAGS_redis_password_file, "/nonexistent/redis.password");
  ExpectRefused("--redis_password_file");
  absl::SetFlag(&FLAGS_redis_password_file, WriteFile("redis.password", "r3dis\r\n"));
  auto config = LoadRuntimeConfig();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->redis_user, "gridcase");
  EXPECT_EQ(config->redis_password, "r3dis");
}

}  // namespace
}  // namespace gridcase::config
