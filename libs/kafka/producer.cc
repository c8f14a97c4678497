#include "absl/strings/string_view.h"
#include "libs/kafka/producer.h"

#include <algorithm>
#include <future>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/log/log.h"
#include "spdlog/spdlog.h"

namespace gridcase::kafka {

absl::Status KafkaError(int code, absl::string_view what) {
  auto err = static_cast<RdKafka::ErrorCode>(code);
  if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
  std::string message = absl::StrCat("kafka: ", what, ": ", RdKafka::err2str(err));
  switch (err) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__QUEUE_FULL:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
      return absl::UnavailableError(message);
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
      return absl::DeadlineExceededError(message);
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

class Producer::DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* done = static_cast<DeliveryCallback*>(message.msg_opaque());
    if (done == nullptr) return;
    (*done)(KafkaError(message.err(), absl::StrCat("delivery to ", message.topic_name())));
    delete done;
  }
};

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(const ProducerOptions& options) {
  auto reports = std::make_unique<DeliveryReports>();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  Properties defaults = {
      {"client.id", options.client_id},
      {"enable.idempotence", options.idempotent ? "true" : "false"},
      {"acks", "all"},
      {"linger.ms", "2"},
      {"message.timeout.ms", "30000"},
      // After a broker restart, reconnect within a second rather than after librdkafka's default 10 s backoff.
      {"reconnect.backoff.max.ms", "1000"},
  };
  if (absl::Status s = ApplyProperties(ClientProperties(options.brokers, std::move(defaults), options.extra),
                                       conf->c_ptr_global(), "producer");
      !s.ok()) {
    return s;
  }
  if (conf->set("dr_cb", reports.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka producer dr_cb: ", error));
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (producer == nullptr) return absl::InternalError(absl::StrCat("kafka producer: ", error));
  auto created = std::unique_ptr<Producer>(new Producer(std::move(reports), std::move(producer)));
  created->LookUp(options.topics);
  return created;
}

void Producer::LookUp(const std::vector<std::string>& topics) {
  // Bounded as a whole: with the broker away the process starts at most 2 s later and its first records wait.
  const absl::Time give_up = absl::Now() + absl::Seconds(2);
  for (const std::string& name : topics) {
    std::string error;
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(producer_.get(), name, nullptr, error));
    if (topic == nullptr) {
      spdlog::warn("msg=topic_handle_failed topic={} error={}", name, log::Quote(error));
      continue;
    }
    RdKafka::Metadata* metadata = nullptr;
    const int timeout_ms = static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(give_up - absl::Now())));
    RdKafka::ErrorCode err = producer_->metadata(/*all_topics=*/false, topic.get(), &metadata, timeout_ms);
    delete metadata;
    if (err != RdKafka::ERR_NO_ERROR) {
      spdlog::warn("msg=topic_lookup_failed topic={} error={}", name, log::Quote(RdKafka::err2str(err)));
    }
    // The handle goes; librdkafka keeps the topic and its partitions for the records written to it by name.
  }
}

Producer::Producer(std::unique_ptr<DeliveryReports> reports, std::unique_ptr<RdKafka::Producer> producer)
    : reports_(std::move(reports)), producer_(std::move(producer)) {
  poller_ = std::thread([this] {
    while (!stopping_.load(std::memory_order_relaxed)) producer_->poll(50);
  });
}

Producer::~Producer() {
  producer_->flush(10000);
  stopping_ = true;
  poller_.join();
  producer_->poll(0);
}

absl::Status Producer::ProduceAsync(absl::string_view topic, absl::string_view key, absl::string_view value,
                                    const std::vector<Header>& headers, DeliveryCallback done) {
  auto* opaque = new DeliveryCallback(std::move(done));
  for (int attempt = 0;; ++attempt) {
    RdKafka::Headers* rd_headers = nullptr;
    if (!headers.empty()) {
      rd_headers = RdKafka::Headers::create();
      for (const Header& h : headers) rd_headers->add(h.key, h.value.data(), h.value.size());
    }
    RdKafka::ErrorCode err = producer_->produce(
        std::string(topic), RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, rd_headers, opaque);
    if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    delete rd_headers;
    if (err == RdKafka::ERR__QUEUE_FULL && attempt < 100) {
      producer_->poll(10);  // Local queue full: let deliveries drain, then retry.
      continue;
    }
    delete opaque;
    return KafkaError(err, absl::StrCat("produce to ", topic));
  }
}

absl::Status Producer::Produce(absl::string_view topic, absl::string_view key, absl::string_view value,
                               const std::vector<Header>& headers) {
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> result = promise->get_future();
  absl::Status enqueued =
      ProduceAsync(topic, key, value, headers, [promise](absl::Status status) { promise->set_value(status); });
  if (!enqueued.ok()) return enqueued;
  return result.get();
}

absl::Status Producer::Flush(absl::Duration timeout) {
  return KafkaError(producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout))), "flush");
}

}  // namespace gridcase::kafka
