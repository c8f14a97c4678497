#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "libs/kafka/message.h"

namespace gridcase::kafka {

// Runs a one-record handler over a batch of records on up to `lanes` threads at once: the records of one case (one
// Kafka key) one after another in their order on one thread, different cases side by side. That is what lets a
// consumer keep many Redis round trips and Kafka deliveries in flight while every case still sees its records in
// order, one at a time.
//
// A record is handed to the handler only if every earlier record of its case in the batch succeeded; the others
// get UNAVAILABLE ("not attempted"), so an OK never runs ahead of a record of its case that did not apply
// (Consumer::RunBatches relies on this). Records without a key are independent of each other.
//
// The handler must be safe to call from several threads at once for different cases.
class CaseLanes {
 public:
  using Handler = std::function<absl::Status(const Message&)>;

  CaseLanes(Handler handler, int lanes);
  ~CaseLanes();
  CaseLanes(const CaseLanes&) = delete;
  CaseLanes& operator=(const CaseLanes&) = delete;

  // One status per record, in the batch's order. Not re-entrant: one batch at a time.
  std::vector<absl::Status> Handle(absl::Span<const Message> batch);

 private:
  // Takes cases of the current batch until none is left.
  void Work();
  void Lane();

  Handler handler_;
  std::vector<std::thread> threads_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  int tickets_ = 0;          // Guarded by mu_: lanes still to join the current batch.
  int busy_ = 0;             // Guarded by mu_: lanes that joined it and have not finished.
  bool stopping_ = false;    // Guarded by mu_.

  // The current batch, set before the lanes wake.
  absl::Span<const Message> batch_;
  std::vector<std::vector<size_t>> cases_;  // Record indices, grouped by case, in order.
  std::vector<absl::Status>* statuses_ = nullptr;
  std::atomic<size_t> next_case_{0};
};

}  // namespace gridcase::kafka
