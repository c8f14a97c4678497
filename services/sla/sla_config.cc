#include "services/sla/sla_config.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, sla_policy, "", "SLA policy JSON (default: sla-policy.json beside the binary)");
ABSL_FLAG(std::string, holiday_files, "",
          "Comma-separated holiday arrangement TSV files (default: every cn-holidays-*.tsv in data/ beside the "
          "binary)");
ABSL_FLAG(absl::Duration, timer_poll, absl::Milliseconds(100),
          "Longest sleep of the firing loop between looks at the timer set");
ABSL_FLAG(absl::Duration, timer_lease, absl::Seconds(30),
          "How long a claimed timer stays with its claimer before another replica may take it");
ABSL_FLAG(int, timer_batch, 256, "Timers claimed per round trip");
ABSL_FLAG(absl::Duration, timer_reconcile, absl::Minutes(30),
          "How often every running clock's timers are checked and lost ones armed again (0: never)");

namespace gridcase::sla {
namespace {

namespace fs = std::filesystem;

// The shipped directory: beside the binary when the build copied it there, else in the source tree.
std::vector<fs::path> ShippedDirs(const std::string& binary_dir) {
  std::vector<fs::path> dirs;
  if (!binary_dir.empty()) dirs.emplace_back(binary_dir);
#ifdef GRIDCASE_SLA_SOURCE_DIR
  dirs.emplace_back(GRIDCASE_SLA_SOURCE_DIR);
#endif
  return dirs;
}

}  // namespace

std::string BinaryDir() {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return "";
  return exe.parent_path().string();
}

absl::StatusOr<SlaConfig> LoadSlaConfig(const std::string& binary_dir) {
  SlaConfig config;
  std::error_code error;
  config.policy_path = absl::GetFlag(FLAGS_sla_policy);
  if (config.policy_path.empty()) {
    for (const fs::path& dir : ShippedDirs(binary_dir)) {
      if (fs::is_regular_file(dir / "sla-policy.json", error)) {
        config.policy_path = (dir / "sla-policy.json").string();
        break;
      }
    }
    if (config.policy_path.empty()) {
      return absl::NotFoundError("--sla_policy: not given, and no sla-policy.json beside the binary");
    }
  } else if (!fs::is_regular_file(config.policy_path, error)) {
    return absl::InvalidArgumentError(absl::StrCat("--sla_policy: ", config.policy_path, " is not a readable file"));
  }

  for (absl::string_view path : absl::StrSplit(absl::GetFlag(FLAGS_holiday_files), ',', absl::SkipWhitespace())) {
    if (!fs::is_regular_file(std::string(path), error)) {
      return absl::InvalidArgumentError(absl::StrCat("--holiday_files: ", path, " is not a readable file"));
    }
    config.holiday_files.emplace_back(path);
  }
  if (config.holiday_files.empty()) {
    for (const fs::path& dir : ShippedDirs(binary_dir)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(dir / "data", error)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && absl::StartsWith(name, "cn-holidays-") && absl::EndsWith(name, ".tsv")) {
          config.holiday_files.push_back(entry.path().string());
        }
      }
      if (!config.holiday_files.empty()) break;
    }
    std::sort(config.holiday_files.begin(), config.holiday_files.end());
    if (config.holiday_files.empty()) {
      return absl::NotFoundError("--holiday_files: not given, and no data/cn-holidays-*.tsv beside the binary");
    }
  }

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
