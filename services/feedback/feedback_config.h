#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/config/runtime_config.h"
#include "services/feedback/core/feedback_policy.h"

namespace gridcase::feedback {

// The feedback service's configuration: the runtime flags every service has, and its own (GRIDCASE_* environment
// fallbacks as for every flag):
//   --dispatch_addr, --http_addr, --registry, --registry_poll, --dispatch_timeout, --settle_poll,
//   --rating_window, --max_reopens, --settle_retry, --max_code_attempts,
//   --satisfaction_weights (满意,基本满意,不满意), --score_weights (response,resolution,satisfaction),
//   --points (per verified, per on-time verification, per 满意 rating),
//   --hot_spot_threshold, --hot_spot_window, --default_sign_off_window, --default_completion_window.
struct FeedbackConfig {
  config::RuntimeConfig runtime;
  std::string dispatch_addr;
  std::string http_addr;
  std::string registry_path;
  absl::Duration registry_poll;
  absl::Duration dispatch_timeout;
  absl::Duration settle_poll;
  FeedbackPolicy policy;
};

// Reads and validates the flags; INVALID_ARGUMENT naming the flag when one is wrong.
absl::StatusOr<FeedbackConfig> LoadFeedbackConfig();

}  // namespace gridcase::feedback
