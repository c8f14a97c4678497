#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "libs/kafka/message.h"
#include "libs/kafka/parking_store.h"
#include "libs/kafka/producer.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace gridcase::kafka {

// Where the records of a case that cannot apply wait, and how long a record waits for an earlier one of its case.
struct ParkingOptions {
  // Null: no parking (poison is dead-lettered and the consumer moves on; a wait is retried for ever).
  ParkingStore* store = nullptr;
  // How long a record may wait for an earlier record of its case before its case is parked (kWaiting).
  absl::Duration gap_patience = absl::Seconds(10);
  // How often the consumer replays the cases of its group that were released, skipped or are waiting.
  absl::Duration poll = absl::Seconds(1);
  // How long one member's claim on replaying a case lasts without renewal.
  absl::Duration claim_lease = absl::Seconds(30);
};

struct ConsumerOptions {
  // The cluster and its connection properties (a plaintext cluster converts from its bootstrap servers).
  Cluster brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "gridcase";
  absl::Duration retry_backoff = absl::Milliseconds(200);
  // Extra librdkafka properties, applied last.
  std::map<std::string, std::string> extra;
  ParkingOptions parking;
};

// A consumer-group member (cooperative-sticky rebalancing) that hands records to a handler one at a time and
// commits a record's offset only after the handler reported its effect durable. The Kafka key of a record is its
// case id.
//
// Handler contract — the returned status decides the record's fate:
// - OK: the effect is durable; the offset is stored and committed (periodically, on revoke and on Close).
// - INVALID_ARGUMENT or DATA_LOSS (a poison record that will never apply): the record is copied to
//   "<topic>.dlt" with headers gridcase-dlt-reason / -topic / -partition / -offset. With a parking store and a
//   non-empty key its case is then parked in this group (ParkedState kHeld, the record first); then its offset
//   is stored.
// - WaitForEarlierRecord (case_wait.h; an earlier record of the case has not been applied yet): the same record is
//   redelivered after `retry_backoff`. With a parking store and a non-empty key, once the record has waited
//   `parking.gap_patience` (since its first such answer) its case is parked (kWaiting, the record first, not
//   dead-lettered) and its offset stored; without one it is redelivered for ever.
// - anything else (Redis down…): nothing is stored; the same record is redelivered after `retry_backoff`.
// Handlers must therefore be idempotent — redelivery after a crash is normal too.
//
// Parking (with a parking store): before a record reaches the handler the consumer checks whether its case is parked in
// this group (the group's parked cases are read after every assignment and every `parking.poll`; the store is asked per
// record only for those); if so the record is appended to the case's parked records, in order, and its offset is stored
// without calling the handler (when the store cannot answer, the record is redelivered). Records of every other case
// keep flowing. A parked case stays parked across restarts until it is replayed: every `parking.poll` the consumer
// takes the group's cases that an operator released or skipped, and those waiting, claims each (one member replays a
// case at a time) and, on its own thread, hands their records to the handler in order, up to 1000 of a case per poll
// (the first one dropped for a skip, after it was copied to the dead-letter topic if it was not there yet). OK removes
// a record; when none is left the case is no longer parked and its later records go to the handler directly. A poison
// record stops the replay and holds the case (kHeld, dead-lettered once); a wait stops it and leaves the case waiting
// (retried at the next poll); any other error stops it and keeps the request, retried at the next poll.
class Consumer {
 public:
  using Handler = std::function<absl::Status(const Message&)>;

  // `dead_letters` must outlive the consumer.
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(const ConsumerOptions& options, Producer* dead_letters);
  ~Consumer();

  // A batch handler answers one status per record, in order, with the contract of Handler for each, and may answer
  // OK for a record only if it answered OK for every earlier record of the same key in the batch (CaseLanes does
  // both).
  using BatchHandler = std::function<std::vector<absl::Status>(absl::Span<const Message>)>;

  // Consumes until Stop() is called, then commits stored offsets and leaves the group.
  void Run(const Handler& handler);
  // Like Run, but hands the records a poll has ready (up to `max_records`) to `handler` at once. Records of parked
  // cases, and every record the batch did not answer OK, then go the way of Run one at a time, in each partition's
  // order (dead letter, parking, redelivery; a record answered OK in the batch may thus be handed over again, which
  // idempotent handlers allow). A partition's offset is stored only up to the last record before its first one that
  // is to be redelivered; that record and the partition's later ones are fetched again.
  void RunBatches(const BatchHandler& handler, size_t max_records);
  // RunBatches with kafka::CaseLanes: `handler` runs on up to `lanes` cases at once, each case's records in order.
  // The handler must be safe to call from several threads at once for different cases.
  void RunByCase(const Handler& handler, int lanes, size_t max_records);
  // Thread-safe; Run returns soon after.
  void Stop() { stopping_ = true; }
  // True once the group has assigned this member at least one partition.
  bool assigned() const { return assigned_.load(); }

 private:
  class Rebalancer;
  Consumer(const ConsumerOptions& options, Producer* dead_letters, std::unique_ptr<Rebalancer> rebalancer,
           std::unique_ptr<RdKafka::KafkaConsumer> consumer);
  absl::Status DeadLetter(const Message& message, const absl::Status& reason);
  // OK when the record's offset may be stored; otherwise it is redelivered.
  absl::Status Process(const Message& message, const Handler& handler);
  // Up to `max_records` records: waits a little for the first, then takes what is already fetched.
  std::vector<Message> Poll(size_t max_records);
  void StoreOffset(const Message& message);
  void Redeliver(const Message& message, const absl::Status& status);
  absl::Status ParkCase(const Message& message, ParkedState state, const absl::Status& reason, bool dead_lettered);
  void ReplayParkedCases(const Handler& handler);
  // Replays one claimed case until it is no longer parked or a record stops it.
  void ReplayCase(const std::string& case_id, const Handler& handler);
  // Reads the group's parked cases into parked_cases_ and the gauge.
  absl::Status RefreshParkedCases();
  void Close();

  ConsumerOptions options_;
  Producer* dead_letters_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> assigned_{false};
  bool closed_ = false;
  // Identifies this member's claims on parked cases.
  std::string owner_;
  // The record that is waiting for an earlier record of its case, and since when.
  struct Wait {
    std::string record_id;
    absl::Time since;
  };
  std::optional<Wait> wait_;
  // The cases parked in this group as last read, plus those this member parked since. Only the member that owns a
  // partition parks the cases of its records, and it reads the set again after every assignment, so a case missing
  // here is not parked: its records go to the handler without asking the store.
  std::set<std::string> parked_cases_;
  std::atomic<bool> assignment_changed_{true};
  absl::Time next_parking_poll_ = absl::InfinitePast();
};

}  // namespace gridcase::kafka
