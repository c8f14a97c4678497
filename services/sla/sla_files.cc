#include "services/sla/sla_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/service/service_flags.h"

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

absl::StatusOr<SlaFiles> ResolveSlaFiles(const std::string& binary_dir) {
  SlaFiles files;
  std::error_code error;
  files.policy_path = service::SlaPolicyFlag();
  if (files.policy_path.empty()) {
    for (const fs::path& dir : ShippedDirs(binary_dir)) {
      if (fs::is_regular_file(dir / "sla-policy.json", error)) {
        files.policy_path = (dir / "sla-policy.json").string();
        break;
      }
    }
    if (files.policy_path.empty()) {
      return absl::NotFoundError("--sla_policy: not given, and no sla-policy.json beside the binary");
    }
  } else if (!fs::is_regular_file(files.policy_path, error)) {
    return absl::InvalidArgumentError(absl::StrCat("--sla_policy: ", files.policy_path, " is not a readable file"));
  }

  for (absl::string_view path : absl::StrSplit(service::HolidayFilesFlag(), ',', absl::SkipWhitespace())) {
    if (!fs::is_regular_file(std::string(path), error)) {
      return absl::InvalidArgumentError(absl::StrCat("--holiday_files: ", path, " is not a readable file"));
    }
    files.holiday_files.emplace_back(path);
  }
  if (files.holiday_files.empty()) {
    for (const fs::path& dir : ShippedDirs(binary_dir)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(dir / "data", error)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && absl::StartsWith(name, "cn-holidays-") && absl::EndsWith(name, ".tsv")) {
          files.holiday_files.push_back(entry.path().string());
        }
      }
      if (!files.holiday_files.empty()) break;
    }
    std::sort(files.holiday_files.begin(), files.holiday_files.end());
    if (files.holiday_files.empty()) {
      return absl::NotFoundError("--holiday_files: not given, and no data/cn-holidays-*.tsv beside the binary");
    }
  }
  return files;
}

}  // namespace gridcase::sla
