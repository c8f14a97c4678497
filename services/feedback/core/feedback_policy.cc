#include "services/feedback/core/feedback_policy.h"

namespace gridcase::feedback {
namespace {

bool Unit(double w) { return w >= 0.0 && w <= 1.0; }

}  // namespace

absl::Status ValidatePolicy(const FeedbackPolicy& p) {
  if (!Unit(p.satisfaction.satisfied) || !Unit(p.satisfaction.basically) || !Unit(p.satisfaction.dissatisfied)) {
    return absl::InvalidArgumentError("--satisfaction_weights: each weight must be within [0, 1]");
  }
  if (p.score.response < 0 || p.score.resolution < 0 || p.score.satisfaction < 0 ||
      p.score.response + p.score.resolution + p.score.satisfaction <= 0) {
    return absl::InvalidArgumentError("--score_weights: weights must be >= 0 and not all 0");
  }
  if (p.points.per_verified < 0 || p.points.per_on_time < 0 || p.points.per_satisfied < 0) {
    return absl::InvalidArgumentError("--points: must be >= 0");
  }
  if (p.hot_spot.threshold < 2) return absl::InvalidArgumentError("--hot_spot_threshold: must be >= 2");
  if (p.hot_spot.window <= absl::ZeroDuration()) return absl::InvalidArgumentError("--hot_spot_window: must be > 0");
  if (p.fallback.sign_off <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--default_sign_off_window: must be > 0");
  }
  if (p.fallback.completion <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--default_completion_window: must be > 0");
  }
  if (p.rating.window <= absl::ZeroDuration()) return absl::InvalidArgumentError("--rating_window: must be > 0");
  if (p.rating.max_reopens < 0) return absl::InvalidArgumentError("--max_reopens: must be >= 0");
  if (p.rating.settle_retry <= absl::ZeroDuration()) return absl::InvalidArgumentError("--settle_retry: must be > 0");
  if (p.rating.max_code_attempts < 1) return absl::InvalidArgumentError("--max_code_attempts: must be >= 1");
  return absl::OkStatus();
}

}  // namespace gridcase::feedback
