#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gridcase/v1/sla.pb.h"

namespace gridcase::sla {

// INVALID_ARGUMENT naming the field ("<field>.code_prefix: …") unless the filter's codes are 1..64 characters of
// letters, digits, '.', '-' and '_' and there are at most 100 unit codes.
absl::Status ValidateArea(const v1::AreaFilter& area, const std::string& field);
// Whether a case lies in the area: its grid, community, township or county code, or the unit holding it, starts with
// the code prefix or equals one of the unit codes. An empty filter is everywhere.
bool InArea(const v1::AreaFilter& area, const v1::Case& c);

// The alert for a published SlaWarned / SlaBreached event about `c`.
v1::SlaAlert MakeAlert(const v1::CaseEvent& event, const v1::Case& c);

// 实时督办: hands each warning and breach to the WatchOverdue calls whose area it lies in. Fed by this replica's
// firing loop and by a tail of the SLA topic (alerts fired by other replicas); an alert seen twice (both feeds, or an
// alarm recovered from the topic after an interrupted claim) is passed on once, by event id, within the last `dedupe_window` ids. Thread-safe.
class AlertBroadcaster {
 public:
  // One watcher's queue of alerts.
  class Subscription {
   public:
    Subscription(v1::AreaFilter area, bool breaches_only, size_t capacity)
        : area_(std::move(area)), breaches_only_(breaches_only), capacity_(capacity) {}

    // The next alert, waiting up to `timeout`; nullopt on timeout or once closed (see status()).
    std::optional<v1::SlaAlert> Next(absl::Duration timeout);
    // OK while open; UNAVAILABLE after the broadcaster closed; RESOURCE_EXHAUSTED when the watcher fell more than
    // `capacity` alerts behind.
    absl::Status status();

   private:
    friend class AlertBroadcaster;
    void Offer(const v1::SlaAlert& alert);
    void Close(absl::Status status);

    const v1::AreaFilter area_;
    const bool breaches_only_;
    const size_t capacity_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::deque<v1::SlaAlert> queue_;
    absl::Status status_;
    bool closed_ = false;
  };

  explicit AlertBroadcaster(size_t dedupe_window = 4096) : dedupe_window_(dedupe_window) {}

  // Registers a watcher; it receives alerts published from now on until it is dropped or the broadcaster closes.
  std::shared_ptr<Subscription> Subscribe(const v1::AreaFilter& area, bool breaches_only, size_t capacity = 1024);
  void Publish(const v1::SlaAlert& alert);
  bool has_subscribers();
  // Ends every subscription with UNAVAILABLE; later subscriptions start closed.
  void Close();

 private:
  const size_t dedupe_window_;
  std::mutex mu_;
  std::vector<std::weak_ptr<Subscription>> subscriptions_;
  absl::flat_hash_set<std::string> recent_ids_;
  std::deque<std::string> recent_order_;
  bool closed_ = false;
};

}  // namespace gridcase::sla
