#include "services/sla/adapters/kafka_sla_event_sink.h"

#include <condition_variable>
#include <memory>
#include <mutex>

#include "libs/events/codec.h"

namespace gridcase::sla {

std::vector<absl::Status> KafkaSlaEventSink::PublishAll(const std::vector<v1::CaseEvent>& events) {
  struct Batch {
    std::mutex mu;
    std::condition_variable done;
    size_t pending = 0;
    std::vector<absl::Status> statuses;
  };
  auto batch = std::make_shared<Batch>();
  batch->statuses.assign(events.size(), absl::OkStatus());
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::CaseEvent& event = events[i];
    {
      std::lock_guard lock(batch->mu);
      ++batch->pending;
    }
    absl::Status enqueued = producer_->ProduceAsync(topics_.ForEvent(event), event.case_id(), event.SerializeAsString(),
                                                    events::EventHeaders(event), [batch, i](absl::Status delivered) {
                                                      std::lock_guard lock(batch->mu);
                                                      batch->statuses[i] = std::move(delivered);
                                                      if (--batch->pending == 0) batch->done.notify_all();
                                                    });
    if (!enqueued.ok()) {
      std::lock_guard lock(batch->mu);
      batch->statuses[i] = enqueued;
      --batch->pending;
    }
  }
  std::unique_lock lock(batch->mu);
  batch->done.wait(lock, [&] { return batch->pending == 0; });
  return batch->statuses;
}

}  // namespace gridcase::sla
