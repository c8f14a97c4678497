#include "services/sla/adapters/kafka_published_alarms.h"

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/events/codec.h"
#include "libs/kafka/message.h"
#include "libs/kafka/producer.h"

namespace gridcase::sla {
namespace {

// Owns the TopicPartition objects librdkafka's vector API hands around.
struct Partitions {
  std::vector<RdKafka::TopicPartition*> list;
  ~Partitions() { RdKafka::TopicPartition::destroy(list); }
};

// Reads every record of `topic` from each partition's first offset timestamped at or after `since` (ListOffsets by
// time) to the partition's end as of the call, in offset order per partition; joins no group, commits nothing. The
// time-bounded sibling of kafka::ReadTopics.
absl::Status ReadTopicSince(const std::string& brokers, const std::string& topic, absl::Time since,
                            const std::function<void(const kafka::Message&)>& handler, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [key, value] : std::map<std::string, std::string>{{"bootstrap.servers", brokers},
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
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic, nullptr, error));
    if (handle == nullptr) return absl::InternalError(absl::StrCat("kafka reader topic ", topic, ": ", error));
    RdKafka::Metadata* raw = nullptr;
    RdKafka::ErrorCode err = consumer->metadata(false, handle.get(), &raw, timeout_ms);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR) return kafka::KafkaError(err, absl::StrCat("metadata of ", topic));
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->err() != RdKafka::ERR_NO_ERROR) return kafka::KafkaError(t->err(), absl::StrCat("metadata of ", topic));
      for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
        by_time.list.push_back(RdKafka::TopicPartition::create(topic, p->id(), absl::ToUnixMillis(since)));
      }
    }
  }
  // Where each partition's records from `since` begin. A partition whose leader is moving (as just after the topic
  // was created) answers with a retryable error: asked again until the deadline.
  while (true) {
    absl::Status status;
    if (RdKafka::ErrorCode err = consumer->offsetsForTimes(by_time.list, timeout_ms); err != RdKafka::ERR_NO_ERROR) {
      status = kafka::KafkaError(err, absl::StrCat("offsets by time of ", topic));
    }
    for (const RdKafka::TopicPartition* tp : by_time.list) {
      if (status.ok() && tp->err() != RdKafka::ERR_NO_ERROR) {
        status = kafka::KafkaError(tp->err(), absl::StrCat("offsets by time of ", topic, "/", tp->partition()));
      }
    }
    if (status.ok()) break;
    if (!absl::IsUnavailable(status) || absl::Now() + absl::Milliseconds(100) > deadline) return status;
    absl::SleepFor(absl::Milliseconds(100));
    for (RdKafka::TopicPartition* tp : by_time.list) tp->set_offset(absl::ToUnixMillis(since));
  }

  std::map<int32_t, int64_t> ends;
  Partitions assignment;
  for (const RdKafka::TopicPartition* tp : by_time.list) {
    if (tp->offset() < 0) continue;  // Nothing at or after `since`.
    int64_t low = 0;
    int64_t high = 0;
    if (RdKafka::ErrorCode err = consumer->query_watermark_offsets(topic, tp->partition(), &low, &high, timeout_ms);
        err != RdKafka::ERR_NO_ERROR) {
      return kafka::KafkaError(err, absl::StrCat("watermarks of ", topic, "/", tp->partition()));
    }
    if (tp->offset() >= high) continue;
    ends[tp->partition()] = high;
    assignment.list.push_back(RdKafka::TopicPartition::create(topic, tp->partition(), tp->offset()));
  }
  if (assignment.list.empty()) return absl::OkStatus();
  if (RdKafka::ErrorCode err = consumer->assign(assignment.list); err != RdKafka::ERR_NO_ERROR) {
    return kafka::KafkaError(err, "assign");
  }

  absl::Status result;
  while (!ends.empty()) {
    if (absl::Now() > deadline) {
      result = absl::DeadlineExceededError(absl::StrCat("kafka reader: ", topic, " not read to the end in time"));
      break;
    }
    std::unique_ptr<RdKafka::Message> raw(consumer->consume(200));
    if (raw->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (raw->err() != RdKafka::ERR_NO_ERROR) {
      result = kafka::KafkaError(raw->err(), absl::StrCat("read of ", topic));
      break;
    }
    auto end = ends.find(raw->partition());
    if (end == ends.end() || raw->offset() >= end->second) continue;
    kafka::Message message;
    message.topic = raw->topic_name();
    message.partition = raw->partition();
    message.offset = raw->offset();
    if (raw->key() != nullptr) message.key = *raw->key();
    message.value.assign(static_cast<const char*>(raw->payload()), raw->len());
    message.timestamp_ms = raw->timestamp().timestamp;
    handler(message);
    if (raw->offset() + 1 >= end->second) ends.erase(end);
  }
  consumer->close();
  return result;
}

}  // namespace

absl::StatusOr<std::map<std::string, v1::CaseEvent>> KafkaPublishedAlarms::Find(
    const absl::flat_hash_set<std::string>& case_ids, const absl::flat_hash_set<std::string>& event_ids,
    absl::Time since) {
  std::map<std::string, v1::CaseEvent> found;
  if (event_ids.empty()) return found;
  absl::Status read = ReadTopicSince(
      brokers_, topic_, since,
      [&](const kafka::Message& message) {
        if (!case_ids.contains(message.key)) return;
        absl::StatusOr<v1::CaseEvent> event = events::ParseEvent(message.value);
        if (event.ok() && event_ids.contains(event->event_id())) found[event->event_id()] = *std::move(event);
      },
      timeout_);
  if (!read.ok()) return read;
  return found;
}

}  // namespace gridcase::sla
