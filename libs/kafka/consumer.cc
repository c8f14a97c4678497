#include "libs/kafka/consumer.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/kafka/kafka_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::kafka {

class Consumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(std::atomic<bool>* assigned) : assigned_(assigned) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        delete consumer->incremental_assign(partitions);
      } else {
        consumer->assign(partitions);
      }
      if (!partitions.empty()) *assigned_ = true;
      spdlog::info("msg=partitions_assigned count={}", partitions.size());
      return;
    }
    // Revoked: commit what is stored for these partitions before another member takes them over.
    consumer->commitSync();
    if (cooperative) {
      delete consumer->incremental_unassign(partitions);
    } else {
      consumer->unassign();
    }
    spdlog::info("msg=partitions_revoked count={}", partitions.size());
  }

 private:
  std::atomic<bool>* assigned_;
};

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(const ConsumerOptions& options, Producer* dead_letters) {
  if (options.topics.empty()) return absl::InvalidArgumentError("kafka consumer: no topics");
  if (options.group_id.empty()) return absl::InvalidArgumentError("kafka consumer: empty group id");
  auto consumer = std::unique_ptr<Consumer>(new Consumer(options, dead_letters, nullptr, nullptr));
  consumer->rebalancer_ = std::make_unique<Rebalancer>(&consumer->assigned_);

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group_id},
      {"client.id", options.client_id},
      {"enable.auto.commit", "true"},
      {"enable.auto.offset.store", "false"},
      {"auto.commit.interval.ms", "1000"},
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "1000"},
      {"topic.metadata.refresh.interval.ms", "5000"},
      {"allow.auto.create.topics", "true"},
  };
  for (const auto& [key, value] : options.extra) props[key] = value;
  for (const auto& [key, value] : props) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka consumer config ", key, ": ", error));
    }
  }
  if (conf->set("rebalance_cb", consumer->rebalancer_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka consumer rebalance_cb: ", error));
  }
  consumer->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer->consumer_ == nullptr) return absl::InternalError(absl::StrCat("kafka consumer: ", error));
  RdKafka::ErrorCode err = consumer->consumer_->subscribe(options.topics);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "subscribe");
  return consumer;
}

Consumer::Consumer(const ConsumerOptions& options, Producer* dead_letters, std::unique_ptr<Rebalancer> rebalancer,
                   std::unique_ptr<RdKafka::KafkaConsumer> consumer)
    : options_(options),
      dead_letters_(dead_letters),
      rebalancer_(std::move(rebalancer)),
      consumer_(std::move(consumer)) {}

Consumer::~Consumer() { Close(); }

namespace {

Message CopyOut(RdKafka::Message& m) {
  Message out;
  out.topic = m.topic_name();
  out.partition = m.partition();
  out.offset = m.offset();
  if (m.key() != nullptr) out.key = *m.key();
  out.value.assign(static_cast<const char*>(m.payload()), m.len());
  out.timestamp_ms = m.timestamp().timestamp;
  if (RdKafka::Headers* headers = m.headers(); headers != nullptr) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      out.headers.push_back({h.key(), std::string(static_cast<const char*>(h.value()), h.value_size())});
    }
  }
  return out;
}

bool IsPoison(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument || status.code() == absl::StatusCode::kDataLoss;
}

}  // namespace

absl::Status Consumer::DeadLetter(const Message& message, const absl::Status& reason) {
  if (dead_letters_ == nullptr) return absl::FailedPreconditionError("no dead-letter producer");
  std::vector<Header> headers = message.headers;
  headers.push_back({"gridcase-dlt-reason", reason.ToString()});
  headers.push_back({"gridcase-dlt-topic", message.topic});
  headers.push_back({"gridcase-dlt-partition", absl::StrCat(message.partition)});
  headers.push_back({"gridcase-dlt-offset", absl::StrCat(message.offset)});
  return dead_letters_->Produce(message.topic + ".dlt", message.key, message.value, headers);
}

void Consumer::Run(const Handler& handler) {
  KafkaMetrics& metrics = KafkaMetrics::Get();
  while (!stopping_.load()) {
    std::unique_ptr<RdKafka::Message> raw(consumer_->consume(100));
    if (raw->err() == RdKafka::ERR__TIMED_OUT || raw->err() == RdKafka::ERR__PARTITION_EOF) continue;
    if (raw->err() != RdKafka::ERR_NO_ERROR) {
      // Unknown topic before it is created, transient broker errors: librdkafka recovers by itself.
      spdlog::warn("msg=consume_error error={}", RdKafka::err2str(raw->err()));
      continue;
    }
    Message message = CopyOut(*raw);
    absl::Status status = handler(message);
    if (IsPoison(status)) {
      absl::Status dlt = DeadLetter(message, status);
      if (dlt.ok()) {
        metrics.dead_lettered(message.topic).Increment();
        spdlog::error("msg=dead_lettered topic={} partition={} offset={} reason={}", message.topic, message.partition,
                      message.offset, status.ToString());
        status = absl::OkStatus();
      } else {
        status = dlt;
      }
    }
    if (status.ok()) {
      std::vector<RdKafka::TopicPartition*> next = {
          RdKafka::TopicPartition::create(message.topic, message.partition, message.offset + 1)};
      consumer_->offsets_store(next);
      RdKafka::TopicPartition::destroy(next);
      metrics.consumed(message.topic).Increment();
      continue;
    }
    metrics.retried(message.topic).Increment();
    spdlog::warn("msg=handler_retry topic={} partition={} offset={} error={}", message.topic, message.partition,
                 message.offset, status.ToString());
    std::unique_ptr<RdKafka::TopicPartition> again(
        RdKafka::TopicPartition::create(message.topic, message.partition, message.offset));
    consumer_->seek(*again, 1000);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.retry_backoff));
  }
  Close();
}

void Consumer::Close() {
  if (closed_ || consumer_ == nullptr) return;
  closed_ = true;
  consumer_->commitSync();
  consumer_->close();
}

}  // namespace gridcase::kafka
