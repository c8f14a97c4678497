#include "services/notify/delivery_workers.h"

#include <set>

#include "absl/time/clock.h"
#include "libs/log/log.h"
#include "services/notify/notify_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::notify {
namespace {

// Sleeps up to `d`, waking early when `stop` is set.
void Nap(const std::atomic<bool>& stop, absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  while (!stop.load() && absl::Now() < until) absl::SleepFor(std::min(d, absl::Milliseconds(50)));
}

DeliveryObserver Observer() {
  return {.delivered =
              [](const Attempt& a, absl::Duration lag, const std::string& note) {
                NotifyMetrics& m = NotifyMetrics::Get();
                const std::string& target = a.outbound.target;
                if (note.empty()) {
                  m.Lag(target).Observe(absl::ToDoubleSeconds(lag));
                  m.Delivered(target, "delivered").Increment();
                } else {
                  m.Delivered(target, "skipped").Increment();
                }
                spdlog::info("msg=delivered target={} delivery_id={} case_id={} attempts={} lag_ms={}{}", target,
                             a.outbound.delivery_id, a.outbound.case_id, a.attempts + 1,
                             absl::ToInt64Milliseconds(lag), note.empty() ? "" : " note=" + log::Quote(note));
              },
          .retried =
              [](const Attempt& a, const std::string& error) {
                NotifyMetrics::Get().Retries(a.outbound.target).Increment();
                spdlog::warn("msg=delivery_failed target={} delivery_id={} case_id={} attempts={} error={}",
                             a.outbound.target, a.outbound.delivery_id, a.outbound.case_id, a.attempts + 1,
                             log::Quote(error));
              },
          .parked =
              [](const Attempt& a, const std::string& error) {
                NotifyMetrics::Get().Parked(a.outbound.target).Increment();
                spdlog::error("msg=delivery_parked target={} delivery_id={} case_id={} attempts={} error={}",
                              a.outbound.target, a.outbound.delivery_id, a.outbound.case_id, a.attempts + 1,
                              log::Quote(error));
              }};
}

}  // namespace

DeliveryWorkers::DeliveryWorkers(Options options, IntegrationStore* integrations, DeliveryQueue* queue,
                                 Sender* callbacks, std::map<std::string, Sender*> notice_senders)
    : options_(std::move(options)), integrations_(integrations), queue_(queue), callbacks_(callbacks),
      notice_senders_(std::move(notice_senders)) {}

DeliveryWorkers::~DeliveryWorkers() { Stop(); }

void DeliveryWorkers::Start() {
  for (const auto& [target, sender] : notice_senders_) StartTarget(target, sender);
  Reconcile();
  reconciler_ = std::thread([this] {
    while (!stopping_.load()) {
      Nap(stopping_, options_.refresh);
      if (!stopping_.load()) Reconcile();
    }
  });
}

void DeliveryWorkers::Stop() {
  stopping_ = true;
  if (reconciler_.joinable()) reconciler_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [target, running] : running_) running->stop = true;
  for (auto& [target, running] : running_) {
    if (running->thread.joinable()) running->thread.join();
  }
  running_.clear();
}

void DeliveryWorkers::Reconcile() {
  auto integrations = integrations_->List();
  if (!integrations.ok()) {
    spdlog::warn("msg=integrations_unreadable error={}", log::Quote(integrations.status().ToString()));
    return;
  }
  std::set<std::string> wanted;
  for (const v1::Integration& integration : *integrations) wanted.insert(integration.name());
  std::vector<std::unique_ptr<Running>> stopped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = running_.begin(); it != running_.end();) {
      if (!notice_senders_.contains(it->first) && !wanted.contains(it->first)) {
        it->second->stop = true;
        stopped.push_back(std::move(it->second));
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& running : stopped) {
    if (running->thread.joinable()) running->thread.join();
  }
  for (const std::string& name : wanted) StartTarget(name, callbacks_);
}

void DeliveryWorkers::StartTarget(const std::string& target, Sender* sender) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_.load() || running_.contains(target)) return;
  auto running = std::make_unique<Running>();
  running->worker = std::make_unique<DeliveryWorker>(
      DeliveryWorker::Options{
          .target = target, .owner = options_.owner, .lease = options_.lease, .retry = options_.retry},
      queue_, sender, Observer(), [] { return absl::Now(); });
  Running* raw = running.get();
  running->thread = std::thread([this, raw] { RunTarget(raw); });
  running_[target] = std::move(running);
  spdlog::info("msg=delivery_worker_started target={}", target);
}

void DeliveryWorkers::RunTarget(Running* running) {
  const std::string target = running->worker->target();
  absl::Time next_gauge = absl::InfinitePast();
  while (!running->stop.load()) {
    auto handled = running->worker->RunOnce();
    if (!handled.ok()) {
      spdlog::warn("msg=delivery_queue_unavailable target={} error={}", target,
                   log::Quote(handled.status().ToString()));
      Nap(running->stop, absl::Seconds(1));
      continue;
    }
    if (absl::Now() >= next_gauge) {
      if (auto parked = queue_->ParkedCount(target); parked.ok()) {
        NotifyMetrics::Get().ParkedNow(target).Set(static_cast<double>(*parked));
      }
      next_gauge = absl::Now() + absl::Seconds(2);
    }
    if (*handled == 0) Nap(running->stop, options_.poll);
  }
}

}  // namespace gridcase::notify
