#include "services/sla/sla_config.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(absl::Duration, timer_poll, absl::Milliseconds(100),
          "Longest sleep of the firing loop between looks at the timer set");
ABSL_FLAG(absl::Duration, timer_lease, absl::Seconds(30),
          "How long a claimed timer stays with its claimer before another replica may take it");
ABSL_FLAG(int, timer_batch, 256, "Timers claimed per round trip");
ABSL_FLAG(absl::Duration, timer_reconcile, absl::Minutes(30),
          "How often every running clock's timers are checked and lost ones armed again (0: never)");

namespace gridcase::sla {

absl::StatusOr<SlaConfig> LoadSlaConfig(const std::string& binary_dir) {
  SlaConfig config;
  auto files = ResolveSlaFiles(binary_dir);
  if (!files.ok()) return files.status();
  config.policy_path = std::move(files->policy_path);
  config.holiday_files = std::move(files->holiday_files);

  config.timer_poll = absl::GetFlag(FLAGS_timer_poll);
  if (config.timer_poll < absl::Milliseconds(1) || config.timer_poll > absl::Seconds(10)) {
    return absl::InvalidArgumentError("--timer_poll: must be within 1ms..10s");
  }
  config.timer_lease = absl::GetFlag(FLAGS_timer_lease);
  if (config.timer_lease < absl::Seconds(1) || config.timer_lease > absl::Hours(1)) {
    return absl::InvalidArgumentError("--timer_lease: must be within 1s..1h");
  }
  config.timer_batch = absl::GetFlag(FLAGS_timer_batch);
  if (config.timer_batch < 1 || config.timer_batch > 10000) {
    return absl::InvalidArgumentError("--timer_batch: must be within 1..10000");
  }
  config.timer_reconcile = absl::GetFlag(FLAGS_timer_reconcile);
  if (config.timer_reconcile != absl::ZeroDuration() &&
      (config.timer_reconcile < absl::Seconds(1) || config.timer_reconcile > absl::Hours(24))) {
    return absl::InvalidArgumentError("--timer_reconcile: must be 0 or within 1s..24h");
  }
  return config;
}

}  // namespace gridcase::sla
