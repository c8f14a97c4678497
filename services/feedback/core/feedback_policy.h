#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gridcase::feedback {

// How the 满意率 weighs each answer (docs/FEEDBACK.md). Each weight in [0, 1].
struct SatisfactionWeights {
  double satisfied = 1.0;     // 满意
  double basically = 0.8;     // 基本满意
  double dissatisfied = 0.0;  // 不满意
};

// How a unit's score (used for the ranking) combines the three rates; rates a unit has no data for are left out and
// the remaining weights renormalised. Each weight >= 0, at least one > 0.
struct ScoreWeights {
  double response = 0.3;
  double resolution = 0.3;
  double satisfaction = 0.4;
};

// 积分 of a grid worker.
struct PointsPolicy {
  int per_verified = 1;   // Per case verified (核单).
  int per_on_time = 1;    // Per verification within the sign-off deadline.
  int per_satisfied = 2;  // Per 满意 rating of a case the worker verified.
};

// 风险预警: `threshold` cases of one catalogue item in one grid within `window`.
struct HotSpotPolicy {
  int threshold = 3;
  absl::Duration window = absl::Hours(7 * 24);
};

// Deadlines used when the SLA service has announced none (no DeadlineSet for the clock): calendar time from the start
// of the sign-off obligation or of the handling cycle.
struct FallbackDeadlines {
  absl::Duration sign_off = absl::Hours(4);
  absl::Duration completion = absl::Hours(5 * 24);
};

// 群众评单
struct RatingPolicy {
  absl::Duration window = absl::Hours(72);  // From resolution; no rating by then closes the case as not rated.
  // 不满意 reopens the case back to the unit that resolved it; once it has been reopened this many times, a further
  // 不满意 reopens it and escalates it one rung (提级) as well.
  int max_reopens = 2;
  // How long a stored rating, or a rated case, waits before the settle loop checks it was carried out.
  absl::Duration settle_retry = absl::Seconds(15);
  int max_code_attempts = 5;  // Wrong codes for one closure before its code is void (issue a new one).
};

struct FeedbackPolicy {
  SatisfactionWeights satisfaction;
  ScoreWeights score;
  PointsPolicy points;
  HotSpotPolicy hot_spot;
  FallbackDeadlines fallback;
  RatingPolicy rating;
};

// INVALID_ARGUMENT naming the flag of the first value out of range.
absl::Status ValidatePolicy(const FeedbackPolicy& policy);

}  // namespace gridcase::feedback
