#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/sla/sla_files.h"

namespace gridcase::sla {

// The SLA service's own configuration, from flags (or GRIDCASE_* environment variables):
//   --sla_policy, --holiday_files  the policy and the working calendar (see ResolveSlaFiles)
//   --timer_poll      longest sleep of the firing loop between looks at the timer set (e.g. 100ms)
//   --timer_lease     how long a claimed timer stays with its claimer before another replica may take it
//   --timer_batch     timers claimed per round trip
//   --timer_reconcile how often every running clock's timers are checked and lost ones armed again (0: never)
struct SlaConfig {
  std::string policy_path;
  std::vector<std::string> holiday_files;
  absl::Duration timer_poll;
  absl::Duration timer_lease;
  int timer_batch = 0;
  absl::Duration timer_reconcile;
};

// Reads and validates the flags; INVALID_ARGUMENT naming the flag when one is wrong, NOT_FOUND when a default file
// cannot be found. `binary_dir` is where the running binary lies (see BinaryDir()).
absl::StatusOr<SlaConfig> LoadSlaConfig(const std::string& binary_dir);

}  // namespace gridcase::sla
