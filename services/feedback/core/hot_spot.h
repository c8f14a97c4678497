#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/case_facts.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {

struct CaseTime {
  std::string case_id;
  absl::Time at;
};

// A burst: at least `threshold` cases within `window` from the first one.
struct Burst {
  absl::Time start;
  std::vector<CaseTime> cases;  // Those in [start, start + window), by time.
};

// The bursts among the cases of one grid and catalogue item (any order), scanning forward in time: a burst starts at
// a case that has threshold - 1 more within the window after it; the next burst may start only after that window.
// Windows of alerts raised before (`raised`: their starts) block any burst that overlaps them, so one burst raises
// one alert however its cases arrive.
std::vector<Burst> FindBursts(std::vector<CaseTime> cases, const std::vector<absl::Time>& raised,
                              const HotSpotPolicy& policy);

// Whether an alert raised before already blocks every burst that could hold a case submitted at `t`: one whose
// window starts in (t - window, t]. Then FindBursts finds no burst with that case, whatever the other cases are, so
// the case's grid and item need not be read (a hot spot's later cases cost one small read each, not one per case).
bool AlertCovers(const std::vector<absl::Time>& raised, absl::Time t, const HotSpotPolicy& policy);

// Where alerts go (Kafka topic gridcase.alerts.v1).
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual absl::Status Publish(const v1::HotSpotAlert& alert) = 0;
};

// 风险预警: after a case's facts are recorded, raises the alerts its grid and catalogue item call for: published,
// then recorded (so a crash in between publishes the same alert id again, never loses it). Idempotent. Thread-safe:
// checks of one grid and item run one at a time (cases are handled concurrently), so that in one process a burst is
// published once; across processes, or after a crash, consumers dedupe by alert id.
class HotSpotWatch {
 public:
  // Pointers must outlive the watch.
  HotSpotWatch(StatsStore* store, AlertSink* sink, HotSpotPolicy policy, std::function<absl::Time()> now)
      : store_(store), sink_(sink), policy_(policy), now_(std::move(now)) {}

  // The alerts raised (usually none).
  absl::StatusOr<std::vector<v1::HotSpotAlert>> Check(const CaseFacts& facts);

 private:
  static constexpr size_t kStripes = 64;

  StatsStore* store_;
  AlertSink* sink_;
  HotSpotPolicy policy_;
  std::function<absl::Time()> now_;
  // Check holds the stripe of its grid and item from reading the alerts raised to recording its own.
  std::array<absl::Mutex, kStripes> stripes_;
};

}  // namespace gridcase::feedback
