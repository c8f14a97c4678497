// Producers, consumers, the admin client and topic readers over the broker's SASL_SSL listener (SCRAM-SHA-512,
// the broker's certificate checked against the local CA), configured by the runtime flags as a service is.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "libs/config/runtime_config.h"
#include "libs/kafka/consumer.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"
#include "tests/secure_infra/secure_clients.h"

namespace gridcase::testing {
namespace {

class SecureKafkaTest : public ::testing::Test {
 protected:
  const SecureInfra& secure_ = TestInfra().secure;
  std::string topic_ = UniqueName("secure-kafkatest");
};

TEST_F(SecureKafkaTest, AdminProducerConsumerAndReaderAllWorkOverSaslSsl) {
  const kafka::Cluster cluster = SecureKafka(secure_);
  ASSERT_EQ(cluster.properties.at("security.protocol"), "sasl_ssl");
  ASSERT_TRUE(kafka::EnsureTopics(cluster, {{.name = topic_, .partitions = 2}, {.name = topic_ + ".dlt"}}).ok());
  auto described = kafka::DescribeTopic(cluster, topic_);
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->partitions, 2);

  auto producer = kafka::Producer::Create({.brokers = cluster, .client_id = "secure-kafkatest"});
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*producer)->Produce(topic_, "case-" + std::to_string(i), "v" + std::to_string(i)).ok());
  }

  auto consumer = kafka::Consumer::Create(
      {.brokers = cluster, .group_id = UniqueName("secure-group"), .topics = {topic_}}, producer->get());
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  std::vector<std::string> consumed;
  absl::Notification done;
  std::thread runner([&] {
    (*consumer)->Run([&](const kafka::Message& m) {
      consumed.push_back(m.value);
      if (consumed.size() == 5) (*consumer)->Stop();
      return absl::OkStatus();
    });
    done.Notify();
  });
  if (!done.WaitForNotificationWithTimeout(absl::Seconds(60))) (*consumer)->Stop();
  runner.join();
  EXPECT_EQ(consumed.size(), 5u);

  std::vector<std::string> read;
  ASSERT_TRUE(kafka::ReadTopics(cluster, {topic_}, [&](const kafka::Message& m) {
                read.push_back(m.value);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(read.size(), 5u);
}

TEST_F(SecureKafkaTest, AWrongScramPasswordIsRefusedNamingTheFlags) {
  const std::string wrong = std::string(std::getenv("GRIDCASE_BINARY_DIR")) + "/" + UniqueName("wrong") + ".password";
  std::ofstream(wrong) << "not-the-password\n";
  const kafka::Cluster cluster = SecureKafka(secure_, wrong);
  const absl::Time start = absl::Now();
  absl::Status status = kafka::EnsureTopics(cluster, {{.name = topic_}}, absl::Seconds(20));
  std::remove(wrong.c_str());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_NE(status.message().find("Authentication failed"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("--kafka_sasl_password_file"), absl::string_view::npos) << status;
  // Refused at once, not after the request's timeout.
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
  // Nothing was created by the refused client.
  EXPECT_EQ(kafka::DescribeTopic(SecureKafka(secure_), topic_).status().code(), absl::StatusCode::kNotFound);

  auto producer = kafka::Producer::Create({.brokers = cluster, .extra = {{"message.timeout.ms", "3000"}}});
  ASSERT_TRUE(producer.ok()) << producer.status();
  EXPECT_FALSE((*producer)->Produce(topic_ + "-never", "k", "v").ok());
}

TEST_F(SecureKafkaTest, TheSecuredListenerRefusesPlaintextClients) {
  absl::Status status =
      kafka::EnsureTopics(kafka::Cluster(secure_.kafka_brokers), {{.name = topic_}}, absl::Seconds(3));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(kafka::DescribeTopic(SecureKafka(secure_), topic_).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SecureKafkaTest, ABrokerCertificateOfAnotherCaIsRefused) {
  // The system's trust store does not hold the local CA, so the broker's certificate does not verify.
  kafka::Cluster cluster = SecureKafka(secure_);
  cluster.properties.erase("ssl.ca.location");
  cluster.properties["ssl.ca.location"] = "/etc/ssl/certs/ca-certificates.crt";
  absl::Status status = kafka::EnsureTopics(cluster, {{.name = topic_}}, absl::Seconds(20));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find("--kafka_ca"), absl::string_view::npos) << status;
}

TEST_F(SecureKafkaTest, NoPasswordIsWrittenOutsideItsSecretFile) {
  ASSERT_FALSE(secure_.dir.empty());
  // After the clients above logged in, failed to and a renewal may have run: the broker's and the servers' logs,
  // configs and data hold neither user's password (the broker keeps SCRAM's salted hashes, Redis a SHA-256).
  std::vector<std::string> passwords;
  for (const std::string& file : {secure_.kafka_password_file, secure_.redis_password_file}) {
    auto password = config::ReadSecretFile(file, file);
    ASSERT_TRUE(password.ok()) << password.status();
    passwords.push_back(*password);
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(secure_.dir)) {
    if (!entry.is_regular_file() || entry.path().parent_path().filename() == "secrets") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    ++files;
    for (const std::string& password : passwords) {
      EXPECT_EQ(content.str().find(password), std::string::npos) << entry.path();
    }
  }
  EXPECT_GT(files, 10);
}

}  // namespace
}  // namespace gridcase::testing
