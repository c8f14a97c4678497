#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "services/notify/core/delivery_worker.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// One thread per target — each registered integration, resident-sms, resident-push — so that a slow or dead
// endpoint delays nothing but its own deliveries. The set of integrations is read again every `refresh`: a new
// registration gets its worker, a removed one's worker stops. Each worker polls its queue every `poll`.
class DeliveryWorkers {
 public:
  struct Options {
    std::string owner;  // This process's lease owner id.
    absl::Duration poll = absl::Milliseconds(100);
    absl::Duration refresh = absl::Seconds(1);
    absl::Duration lease = absl::Seconds(10);
    RetryPolicy retry;
  };
  // Pointers must outlive the workers. `senders` maps a target to its sender; integrations use `callbacks`.
  DeliveryWorkers(Options options, IntegrationStore* integrations, DeliveryQueue* queue, Sender* callbacks,
                  std::map<std::string, Sender*> notice_senders);
  ~DeliveryWorkers();

  void Start();
  // Stops every worker and joins its thread. An attempt in progress finishes (bounded by its send timeout).
  void Stop();

 private:
  struct Running {
    std::unique_ptr<DeliveryWorker> worker;
    std::atomic<bool> stop{false};
    std::thread thread;
  };
  void Reconcile();
  void StartTarget(const std::string& target, Sender* sender);
  void RunTarget(Running* running);

  Options options_;
  IntegrationStore* integrations_;
  DeliveryQueue* queue_;
  Sender* callbacks_;
  std::map<std::string, Sender*> notice_senders_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Running>> running_;
  std::atomic<bool> stopping_{false};
  std::thread reconciler_;
};

}  // namespace gridcase::notify
