#include "libs/events/topic_specs.h"

#include <vector>

#include "gtest/gtest.h"

namespace gridcase::events {
namespace {

TEST(TopicsTest, CaseDeadLetterAndAuditTopicsAreKeptForeverWithTheGivenReplication) {
  Topics topics("t-");
  std::vector<kafka::TopicSpec> specs = TopicSpecs(topics, 12, {.factor = 3, .min_insync = 2});
  ASSERT_EQ(specs.size(), 15u);  // 7 case topics, their dead-letter topics, the audit topic.
  EXPECT_EQ(specs.back().name, "t-gridcase.audit.v1");
  for (const kafka::TopicSpec& spec : specs) {
    bool dead_letters = spec.name.ends_with(".dlt");
    EXPECT_EQ(spec.partitions, dead_letters ? 1 : 12) << spec.name;
    EXPECT_EQ(spec.replication_factor, 3) << spec.name;
    EXPECT_EQ(spec.configs.at("retention.ms"), "-1") << spec.name;
    EXPECT_EQ(spec.configs.at("retention.bytes"), "-1") << spec.name;
    EXPECT_EQ(spec.configs.at("min.insync.replicas"), "2") << spec.name;
  }
  kafka::TopicSpec alerts = AdvisoryTopicSpec("t-gridcase.alerts.v1", 12, {.factor = 3, .min_insync = 2});
  EXPECT_EQ(alerts.configs.at("retention.ms"), "604800000");
  EXPECT_EQ(alerts.replication_factor, 3);
  EXPECT_EQ(alerts.configs.at("min.insync.replicas"), "2");
}

}  // namespace
}  // namespace gridcase::events
