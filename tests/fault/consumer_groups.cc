#include "tests/fault/consumer_groups.h"

#include <librdkafka/rdkafka.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace gridcase::testing {

absl::Status DeleteConsumerGroups(const std::string& brokers, const std::vector<std::string>& groups) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(error);
  }
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> client(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)), &rd_kafka_destroy);
  if (client == nullptr) return absl::InternalError(error);
  std::vector<rd_kafka_DeleteGroup_t*> requests;
  for (const std::string& group : groups) requests.push_back(rd_kafka_DeleteGroup_new(group.c_str()));
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(rd_kafka_queue_new(client.get()),
                                                                            &rd_kafka_queue_destroy);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(client.get(), RD_KAFKA_ADMIN_OP_DELETEGROUPS);
  rd_kafka_AdminOptions_set_request_timeout(options, 30000, error, sizeof(error));
  rd_kafka_DeleteGroups(client.get(), requests.data(), requests.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_DeleteGroup_destroy_array(requests.data(), requests.size());
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue.get(), 40000);
  if (event == nullptr) return absl::DeadlineExceededError("DeleteGroups: no answer within 40 s");
  absl::Status status;
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::InternalError(absl::StrCat("DeleteGroups: ", rd_kafka_event_error_string(event)));
  } else {
    size_t n = 0;
    const rd_kafka_group_result_t** results =
        rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &n);
    for (size_t i = 0; i < n; ++i) {
      const rd_kafka_error_t* group_error = rd_kafka_group_result_error(results[i]);
      if (group_error == nullptr) continue;
      if (rd_kafka_error_code(group_error) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) continue;
      status = absl::FailedPreconditionError(absl::StrCat("DeleteGroups ", rd_kafka_group_result_name(results[i]),
                                                          ": ", rd_kafka_error_string(group_error)));
    }
  }
  rd_kafka_event_destroy(event);
  return status;
}

}  // namespace gridcase::testing
