#include "libs/kafka/topic_reader.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/kafka/producer.h"

namespace gridcase::kafka {

absl::Status ReadTopics(const Cluster& brokers, const std::vector<std::string>& topics,
                        const std::function<absl::Status(const Message&)>& handler, absl::Duration timeout) {
  return ReadTopicsSince(brokers, topics, absl::InfinitePast(), handler, timeout);
}

absl::Status ReadTopicsSince(const Cluster& brokers, const std::vector<std::string>& topics, absl::Time from,
                             const std::function<absl::Status(const Message&)>& handler, absl::Duration timeout) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  if (absl::Status s = ApplyProperties(ClientProperties(brokers, {{"group.id", "gridcase-topic-reader"},
                                                                    {"enable.auto.commit", "false"},
                                                                    {"enable.partition.eof", "false"}}),
                                       conf->c_ptr_global(), "reader");
      !s.ok()) {
    return s;
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InternalError(absl::StrCat("kafka reader: ", error));

  // Where each partition ends now: the reader stops there.
  std::map<std::pair<std::string, int32_t>, int64_t> ends;
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const std::string& topic : topics) {
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(consumer.get(), topic, nullptr, error));
    RdKafka::Metadata* raw = nullptr;
    RdKafka::ErrorCode err = consumer->metadata(false, handle.get(), &raw, 10000);
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, absl::StrCat("metadata of ", topic));
    for (const RdKafka::TopicMetadata* t : *metadata->topics()) {
      if (t->err() != RdKafka::ERR_NO_ERROR) return KafkaError(t->err(), absl::StrCat("metadata of ", topic));
      for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
        int64_t low = 0;
        int64_t high = 0;
        // A partition whose leader is moving (as just after the topic was created) is asked again.
        const absl::Time give_up = absl::Now() + absl::Seconds(10);
        while (true) {
          err = consumer->query_watermark_offsets(topic, p->id(), &low, &high, 10000);
          absl::Status status = KafkaError(err, absl::StrCat("watermarks of ", topic));
          if (status.ok()) break;
          if (!absl::IsUnavailable(status) || absl::Now() > give_up) return status;
          absl::SleepFor(absl::Milliseconds(100));
        }
        if (high <= low) continue;
        ends[{topic, p->id()}] = high;
        assignment.push_back(RdKafka::TopicPartition::create(topic, p->id(), low));
      }
    }
  }
  if (from != absl::InfinitePast() && !assignment.empty()) {
    // Where each partition's records from `from` begin. A partition whose leader is moving (as just after the topic
    // was created) answers with a retryable error: asked again until the timeout.
    const absl::Time give_up = absl::Now() + timeout;
    while (true) {
      for (RdKafka::TopicPartition* tp : assignment) tp->set_offset(absl::ToUnixMillis(from));
      absl::Status status;
      if (RdKafka::ErrorCode err = consumer->offsetsForTimes(assignment, 10000); err != RdKafka::ERR_NO_ERROR) {
        status = KafkaError(err, "offsets for times");
      }
      for (const RdKafka::TopicPartition* tp : assignment) {
        if (status.ok() && tp->err() != RdKafka::ERR_NO_ERROR) {
          status = KafkaError(tp->err(), absl::StrCat("offsets for times of ", tp->topic(), "/", tp->partition()));
        }
      }
      if (status.ok()) break;
      if (!absl::IsUnavailable(status) || absl::Now() + absl::Milliseconds(100) > give_up) {
        RdKafka::TopicPartition::destroy(assignment);
        return status;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    std::vector<RdKafka::TopicPartition*> later;
    for (RdKafka::TopicPartition* tp : assignment) {
      auto end = ends.find({tp->topic(), tp->partition()});
      // No record at or after `from` (offset -1), or the partition ends before it: nothing to read there.
      if (tp->offset() < 0 || tp->offset() >= end->second) {
        ends.erase(end);
        delete tp;
      } else {
        later.push_back(tp);
      }
    }
    assignment = std::move(later);
  }
  if (assignment.empty()) return absl::OkStatus();
  RdKafka::ErrorCode err = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "assign");

  absl::Time deadline = absl::Now() + timeout;
  absl::Status result;
  while (!ends.empty()) {
    if (absl::Now() > deadline) {
      result = absl::DeadlineExceededError("kafka reader: topics not read to the end in time");
      break;
    }
    std::unique_ptr<RdKafka::Message> raw(consumer->consume(200));
    if (raw->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (raw->err() != RdKafka::ERR_NO_ERROR) {
      result = KafkaError(raw->err(), "read");
      break;
    }
    auto key = std::make_pair(raw->topic_name(), raw->partition());
    auto end = ends.find(key);
    if (end == ends.end() || raw->offset() >= end->second) continue;
    Message message;
    message.topic = raw->topic_name();
    message.partition = raw->partition();
    message.offset = raw->offset();
    if (raw->key() != nullptr) message.key = *raw->key();
    message.value.assign(static_cast<const char*>(raw->payload()), raw->len());
    message.timestamp_ms = raw->timestamp().timestamp;
    if (RdKafka::Headers* headers = raw->headers(); headers != nullptr) {
      for (const RdKafka::Headers::Header& h : headers->get_all()) {
        message.headers.push_back({h.key(), std::string(static_cast<const char*>(h.value()), h.value_size())});
      }
    }
    if (absl::Status s = handler(message); !s.ok()) {
      result = s;
      break;
    }
    if (raw->offset() + 1 >= end->second) ends.erase(end);
  }
  consumer->close();
  return result;
}

}  // namespace gridcase::kafka
