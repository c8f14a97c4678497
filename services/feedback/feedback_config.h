#pragma once

#include <set>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/feedback/core/feedback_policy.h"

namespace gridcase::feedback {

// The feedback service's own configuration (GRIDCASE_* environment fallbacks as for every flag; the runtime flags and
// --registry are the service runner's):
//   --dispatch_addr, --http_addr, --dispatch_timeout, --settle_poll,
//   --rating_window, --max_reopens, --settle_retry, --max_code_attempts,
//   --satisfaction_weights (满意,基本满意,不满意), --score_weights (response,resolution,satisfaction),
//   --points (per verified, per on-time verification, per 满意 rating),
//   --hot_spot_threshold, --hot_spot_window, --default_sign_off_window, --default_completion_window.
struct FeedbackConfig {
  std::string dispatch_addr;
  std::string http_addr;
  absl::Duration dispatch_timeout;
  absl::Duration settle_poll;
  FeedbackPolicy policy;
  // The services that may be issued rating codes (the notifier that sends them to residents).
  std::set<std::string> rating_code_issuers;
};

// Reads and validates the flags; INVALID_ARGUMENT naming the flag when one is wrong.
absl::StatusOr<FeedbackConfig> LoadFeedbackConfig();

}  // namespace gridcase::feedback
