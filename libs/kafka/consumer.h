#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/kafka/message.h"
#include "libs/kafka/producer.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace gridcase::kafka {

struct ConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "gridcase";
  absl::Duration retry_backoff = absl::Milliseconds(200);
  // Extra librdkafka properties, applied last.
  std::map<std::string, std::string> extra;
};

// A consumer-group member (cooperative-sticky rebalancing) that hands records to a handler one at a time and
// commits a record's offset only after the handler reported its effect durable.
//
// Handler contract — the returned status decides the record's fate:
// - OK: the effect is durable; the offset is stored and committed (periodically, on revoke and on Close).
// - INVALID_ARGUMENT or DATA_LOSS (a poison record that will never apply): the record is copied to
//   "<topic>.dlt" with headers gridcase-dlt-reason / -topic / -partition / -offset, then its offset is stored.
// - anything else (Redis down, a gap in case versions…): nothing is stored; the same record is redelivered after
//   `retry_backoff`. Handlers must therefore be idempotent — redelivery after a crash is normal too.
class Consumer {
 public:
  using Handler = std::function<absl::Status(const Message&)>;

  // `dead_letters` must outlive the consumer.
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(const ConsumerOptions& options, Producer* dead_letters);
  ~Consumer();

  // Consumes until Stop() is called, then commits stored offsets and leaves the group.
  void Run(const Handler& handler);
  // Thread-safe; Run returns soon after.
  void Stop() { stopping_ = true; }
  // True once the group has assigned this member at least one partition.
  bool assigned() const { return assigned_.load(); }

 private:
  class Rebalancer;
  Consumer(const ConsumerOptions& options, Producer* dead_letters, std::unique_ptr<Rebalancer> rebalancer,
           std::unique_ptr<RdKafka::KafkaConsumer> consumer);
  absl::Status DeadLetter(const Message& message, const absl::Status& reason);
  void Close();

  ConsumerOptions options_;
  Producer* dead_letters_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> assigned_{false};
  bool closed_ = false;
};

}  // namespace gridcase::kafka
