#include "services/sla/adapters/kafka_published_alarms.h"

#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/events/codec.h"
#include "libs/kafka/producer.h"

namespace gridcase::sla {
namespace {

// Owns the TopicPartition objects librdkafka's vector API hands around.
struct Partitions {
  std::vector<RdKafka::TopicPartition*> list;
  ~Partitions() { RdKafka::TopicPartition::destroy(list); }
};

}  // namespace

absl::StatusOr<std::map<std::string, v1::CaseEvent>> KafkaPublishedAlarms::Find(
    const absl::flat_hash_set<std::string>& case_ids, const absl::flat_hash_set<std::string>& event_ids,
    absl::Time since) {
  std::map<std::string, v1::CaseEvent> found;
  if (event_ids.empty()) return found;
  const absl::Time deadline = absl::Now() + timeout_;
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout_));

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [key, value] : std::map<std::string, std::string>{{"bootstrap.servers", brokers_},
                                                                      {"client.id", "gridcase-sla-published-alarms"},
                                                                      {"group.id", "gridcase-sla-published-alarms"},
                                                                      {"enable.auto.commit", "false"},
                                                                      {"enable.partition.eof", "false"}}) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka reader config ", key, ": ", error));
    }
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InternalError(absl::StrCat("kafka reader: ", error));

  Partitions by_time;
  {
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic_, nullptr, error));
    if (handle == nullptr) return absl::InternalError(absl::StrCat("kafka reader topic ", topic_, ": ", error));
    RdKafka::Metadata* raw = nullptr;
    RdKafka::ErrorCode err = consumer->metadata(false, handle.get(), &raw, timeout_ms);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR) return kafka::KafkaError(err, absl::StrCat("metadata of ", topic_));
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->err() != RdKafka::ERR_NO_ERROR) return kafka::KafkaError(t->err(), absl::StrCat("metadata of ", topic_));
      for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
        by_time.list.push_back(RdKafka::TopicPartition::create(topic_, p->id(), absl::ToUnixMillis(since)));
      }
    }
  }
  if (RdKafka::ErrorCode err = consumer->offsetsForTimes(by_time.list, timeout_ms); err != RdKafka::ERR_NO_ERROR) {
    return kafka::KafkaError(err, absl::StrCat("offsets by time of ", topic_));
  }

  // Each partition from its first record at or after `since` to its end now.
  std::map<int32_t, int64_t> ends;
  Partitions assignment;
  for (const RdKafka::TopicPartition* tp : by_time.list) {
    if (tp->err() != RdKafka::ERR_NO_ERROR) {
      return kafka::KafkaError(tp->err(), absl::StrCat("offsets by time of ", topic_, "/", tp->partition()));
    }
    if (tp->offset() < 0) continue;  // Nothing at or after `since`.
    int64_t low = 0;
    int64_t high = 0;
    if (RdKafka::ErrorCode err = consumer->query_watermark_offsets(topic_, tp->partition(), &low, &high, timeout_ms);
        err != RdKafka::ERR_NO_ERROR) {
      return kafka::KafkaError(err, absl::StrCat("watermarks of ", topic_, "/", tp->partition()));
    }
    if (tp->offset() >= high) continue;
    ends[tp->partition()] = high;
    assignment.list.push_back(RdKafka::TopicPartition::create(topic_, tp->partition(), tp->offset()));
  }
  if (assignment.list.empty()) return found;
  if (RdKafka::ErrorCode err = consumer->assign(assignment.list); err != RdKafka::ERR_NO_ERROR) {
    return kafka::KafkaError(err, "assign");
  }

  absl::Status result;
  while (!ends.empty()) {
    if (absl::Now() > deadline) {
      result = absl::DeadlineExceededError(absl::StrCat("kafka reader: ", topic_, " not read to the end in time"));
      break;
    }
    std::unique_ptr<RdKafka::Message> message(consumer->consume(200));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      result = kafka::KafkaError(message->err(), absl::StrCat("read of ", topic_));
      break;
    }
    auto end = ends.find(message->partition());
    if (end == ends.end() || message->offset() >= end->second) continue;
    if (message->key() != nullptr && case_ids.contains(*message->key())) {
      absl::StatusOr<v1::CaseEvent> event = events::ParseEvent(
          absl::string_view(static_cast<const char*>(message->payload()), message->len()));
      if (event.ok() && event_ids.contains(event->event_id())) found[event->event_id()] = *std::move(event);
    }
    if (message->offset() + 1 >= end->second) ends.erase(end);
  }
  consumer->close();
  if (!result.ok()) return result;
  return found;
}

}  // namespace gridcase::sla
