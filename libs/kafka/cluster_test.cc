#include "libs/kafka/cluster.h"

#include "gtest/gtest.h"
#include "librdkafka/rdkafka.h"

namespace gridcase::kafka {
namespace {

TEST(ClientPropertiesTest, TheClusterOverridesTheKindsDefaultsAndTheClientsExtrasOverrideBoth) {
  const Cluster cluster("b1:9093,b2:9093", {{"security.protocol", "sasl_ssl"}, {"socket.keepalive.enable", "true"}});
  Properties properties = ClientProperties(cluster, {{"client.id", "gridcase"}, {"socket.keepalive.enable", "false"}},
                                           {{"client.id", "gridcase-intake"}});
  EXPECT_EQ(properties, (Properties{{"bootstrap.servers", "b1:9093,b2:9093"},
                                    {"client.id", "gridcase-intake"},
                                    {"security.protocol", "sasl_ssl"},
                                    {"socket.keepalive.enable", "true"}}));
}

TEST(ClientPropertiesTest, APlaintextClusterIsItsBootstrapServers) {
  const Cluster cluster = std::string("127.0.0.1:9092");
  EXPECT_EQ(ClientProperties(cluster, {}), (Properties{{"bootstrap.servers", "127.0.0.1:9092"}}));
}

TEST(ApplyPropertiesTest, ARefusedPropertyIsNamed) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  absl::Status status = ApplyProperties({{"security.protocol", "carrier-pigeon"}}, conf, "producer");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("kafka producer config security.protocol"), absl::string_view::npos) << status;
  EXPECT_TRUE(ApplyProperties({{"sasl.password", "s3cret"}, {"security.protocol", "sasl_ssl"}}, conf, "admin").ok());
  rd_kafka_conf_destroy(conf);
}

}  // namespace
}  // namespace gridcase::kafka
