#pragma once

#include "absl/strings/string_view.h"
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/kafka/cluster.h"
#include "libs/kafka/message.h"

namespace RdKafka {
class Producer;
}

namespace gridcase::kafka {

struct ProducerOptions {
  // The cluster and its connection properties (a plaintext cluster converts from its bootstrap servers).
  Cluster brokers;
  std::string client_id = "gridcase";
  // Extra librdkafka properties, applied last (e.g. {"linger.ms", "5"}).
  std::map<std::string, std::string> extra;
  // Idempotent (the default): a record acknowledged once is written once, in order per partition. Otherwise at
  // least once: a write retried after a broker error may be on the topic twice, or after a later record — for
  // records that carry their own id and whose readers drop repeats (the access log). librdkafka 2.0.2's idempotent
  // producer busy-waits while requests are in flight and more records wait, so a producer that is handed records
  // without waiting for each (the access log, whose records outnumber requests when calls are refused under
  // overload) costs far less CPU this way.
  bool idempotent = true;
  // The topics this producer writes. Their partitions are looked up at creation: librdkafka otherwise learns a topic
  // it was not asked about on its next periodic scan, holding the first record to each for up to a second.
  std::vector<std::string> topics;
};

// A producer with acks=all; idempotent unless ProducerOptions::idempotent says otherwise. Thread-safe. A background
// thread serves delivery reports; destruction flushes for up to 10 s.
class Producer {
 public:
  using DeliveryCallback = std::function<void(absl::Status)>;

  static absl::StatusOr<std::unique_ptr<Producer>> Create(const ProducerOptions& options);
  ~Producer();

  // Blocks until the record is acknowledged by all in-sync replicas, or fails. UNAVAILABLE / DEADLINE_EXCEEDED are
  // retryable (the broker may or may not have the record: resend with the same key and an idempotent payload);
  // other codes are permanent.
  absl::Status Produce(absl::string_view topic, absl::string_view key, absl::string_view value,
                       const std::vector<Header>& headers = {});

  // Enqueues the record; `done` runs once, on the delivery thread, with the delivery result. An error returned here
  // means the record was not enqueued and `done` will not run.
  absl::Status ProduceAsync(absl::string_view topic, absl::string_view key, absl::string_view value,
                            const std::vector<Header>& headers, DeliveryCallback done);

  // Waits until every enqueued record is delivered or failed.
  absl::Status Flush(absl::Duration timeout);

 private:
  class DeliveryReports;
  Producer(std::unique_ptr<DeliveryReports> reports, std::unique_ptr<RdKafka::Producer> producer);

  // Looks up `topics`, for up to 2 s in all (best effort: a topic not found now is found when first written).
  void LookUp(const std::vector<std::string>& topics);

  std::unique_ptr<DeliveryReports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

// Maps a librdkafka error code to a Status: transport and timeout errors are UNAVAILABLE (retryable).
absl::Status KafkaError(int code, absl::string_view what);

}  // namespace gridcase::kafka
