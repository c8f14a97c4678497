#pragma once

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/kafka/message.h"
#include "services/feedback/core/hot_spot.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {

// The Kafka handler of feedback's consumer (group <prefix>gridcase-feedback, every case topic), under the
// kafka::Consumer contract: an unparsable record is poison (dead letter); the event is recorded into the statistics
// (with the rating slot and settle checks it sets going) and the hot-spot check runs; any failure is retried, and
// both steps are idempotent, so redelivery changes nothing.
class CaseEventHandler {
 public:
  // Pointers must outlive the handler.
  CaseEventHandler(StatsRecorder* recorder, HotSpotWatch* watch, std::function<absl::Time()> now)
      : recorder_(recorder), watch_(watch), now_(std::move(now)) {}

  absl::Status Handle(const kafka::Message& message);

 private:
  StatsRecorder* recorder_;
  HotSpotWatch* watch_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::feedback
