#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "gridcase/v1/event.pb.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"

namespace gridcase::testing {

// What the case topics of a test's prefix hold now: every distinct event per (case id, version), and how many
// records carried each version (identical copies included).
struct Journal {
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> distinct;
  std::map<std::pair<std::string, int64_t>, int> records;

  // (case, version) pairs with more than one different event: forks.
  int Forks() const {
    int forks = 0;
    for (const auto& [key, events] : distinct) forks += events.size() > 1 ? 1 : 0;
    return forks;
  }
};

// Reads the case topics of `topic_prefix` on the broker at `kafka_brokers`.
inline Journal ReadJournal(const std::string& kafka_brokers, const std::string& topic_prefix) {
  Journal journal;
  events::Topics topics(topic_prefix);
  absl::Status read = kafka::ReadTopics(kafka_brokers, topics.CaseTopics(), [&](const kafka::Message& m) {
    auto event = events::ParseEvent(m.value);
    if (!event.ok() || event->case_version() <= 0) return absl::OkStatus();
    auto key = std::make_pair(event->case_id(), event->case_version());
    journal.distinct[key].insert(m.value);
    ++journal.records[key];
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
  return journal;
}

// Reads the case topics of `topic_prefix` on the test run's broker.
inline Journal ReadJournal(const std::string& topic_prefix) { return ReadJournal(TestInfra().kafka_brokers, topic_prefix); }

}  // namespace gridcase::testing
