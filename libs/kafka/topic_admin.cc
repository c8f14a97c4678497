#include "libs/kafka/topic_admin.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafka.h"
#include "libs/kafka/producer.h"

namespace gridcase::kafka {
namespace {

struct HandleCloser {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct QueueCloser {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventCloser {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct OptionsCloser {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};

}  // namespace

absl::Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics, absl::Duration timeout) {
  if (topics.empty()) return absl::OkStatus();
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("kafka admin: ", error));
  }
  std::unique_ptr<rd_kafka_t, HandleCloser> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (rk == nullptr) return absl::InternalError(absl::StrCat("kafka admin: ", error));

  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const TopicSpec& spec : topics) {
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication_factor, error, sizeof(error));
    if (topic == nullptr) {
      rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
      return absl::InvalidArgumentError(absl::StrCat("kafka admin: topic ", spec.name, ": ", error));
    }
    new_topics.push_back(topic);
  }
  std::unique_ptr<rd_kafka_queue_t, QueueCloser> queue(rd_kafka_queue_new(rk.get()));
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsCloser> options(
      rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout)),
                                              error, sizeof(error));
  rd_kafka_CreateTopics(rk.get(), new_topics.data(), new_topics.size(), options.get(), queue.get());
  rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());

  std::unique_ptr<rd_kafka_event_t, EventCloser> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout)) + 5000));
  if (event == nullptr) return absl::DeadlineExceededError("kafka admin: CreateTopics timed out");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(rd_kafka_event_error(event.get()), "CreateTopics");
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    return KafkaError(err, absl::StrCat("create topic ", rd_kafka_topic_result_name(results[i])));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::kafka
