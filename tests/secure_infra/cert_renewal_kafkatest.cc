// `scripts/infra renew-certs` gives the broker, the TLS redis-server and the tunnel new certificates without
// restarting any of them, and new connections succeed with the new certificates.
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "tests/secure_infra/secure_clients.h"

namespace gridcase::testing {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

std::string FileSerial(const std::string& pem) {
  std::string out = ShellOutput(absl::StrCat("openssl x509 -in '", pem, "' -noout -serial"));
  return std::string(absl::StripSuffix(absl::StripPrefix(out, "serial="), "\n"));
}

TEST(CertificateRenewalTest, RenewedCertificatesServeNewConnectionsWithoutARestart) {
  const SecureInfra& secure = TestInfra().secure;
  ASSERT_FALSE(secure.dir.empty()) << "no secured infrastructure";
  const std::string tunnel_cert = secure.dir + "/tls/redis-tunnel.pem";
  const std::string kafka_before = ServedCertificateSerial(secure.kafka_brokers, secure.ca);
  const std::string redis_before = ServedCertificateSerial(secure.redis_tls_addr, secure.ca, tunnel_cert);
  ASSERT_FALSE(kafka_before.empty());
  ASSERT_FALSE(redis_before.empty());
  ASSERT_EQ(kafka_before, FileSerial(secure.dir + "/tls/kafka.pem"));
  const std::string pids_before = FirstLine(secure.dir + "/kafka/pid") + " " +
                                  FirstLine(secure.dir + "/redis-secure/pid") + " " +
                                  FirstLine(secure.dir + "/redis-tunnel/pid");
  auto open_before = redis::RedisClient::Create(SecureRedis(secure));
  ASSERT_TRUE(open_before.ok()) << open_before.status();

  const std::string renew = absl::StrCat(std::getenv("GRIDCASE_SOURCE_DIR"), "/scripts/infra renew-certs '",
                                         secure.dir, "' >/dev/null 2>&1");
  ASSERT_EQ(std::system(renew.c_str()), 0) << renew;

  const std::string kafka_after = ServedCertificateSerial(secure.kafka_brokers, secure.ca);
  const std::string redis_after = ServedCertificateSerial(secure.redis_tls_addr, secure.ca, tunnel_cert);
  EXPECT_NE(kafka_after, kafka_before);
  EXPECT_EQ(kafka_after, FileSerial(secure.dir + "/tls/kafka.pem"));
  EXPECT_NE(redis_after, redis_before);
  EXPECT_EQ(redis_after, FileSerial(secure.dir + "/tls/redis.pem"));
  EXPECT_EQ(FirstLine(secure.dir + "/kafka/pid") + " " + FirstLine(secure.dir + "/redis-secure/pid") + " " +
                FirstLine(secure.dir + "/redis-tunnel/pid"),
            pids_before)
      << "a process was restarted";

  // New connections, over the renewed certificates (the tunnel presents its renewed client certificate too).
  const kafka::Cluster cluster = SecureKafka(secure);
  const std::string topic = UniqueName("renewal-kafkatest");
  ASSERT_TRUE(kafka::EnsureTopics(cluster, {{.name = topic, .partitions = 1}}).ok());
  auto producer = kafka::Producer::Create({.brokers = cluster});
  ASSERT_TRUE(producer.ok()) << producer.status();
  EXPECT_TRUE((*producer)->Produce(topic, "k", "after renewal").ok());
  auto redis = redis::RedisClient::Create(SecureRedis(secure));
  ASSERT_TRUE(redis.ok()) << redis.status();
  auto pong = (*redis)->Run({"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->str, "PONG");
  // A connection opened before the renewal keeps working.
  EXPECT_TRUE((*open_before)->Run({"PING"}).ok());
}

}  // namespace
}  // namespace gridcase::testing
