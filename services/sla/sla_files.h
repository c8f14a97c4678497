#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::sla {

// The SLA policy and the holiday arrangement files a process works with (the SLA service itself, and intake for the
// expected completion time), from --sla_policy and --holiday_files (libs/service/service_flags.h). Where a flag is
// empty, the files shipped with the SLA service are used: sla-policy.json and every data/cn-holidays-*.tsv beside
// the running binary (the build copies them beside the sla binary), else in services/sla/ of the source tree the
// binary was built from.
struct SlaFiles {
  std::string policy_path;
  std::vector<std::string> holiday_files;  // Sorted when found by default.
};

// INVALID_ARGUMENT naming the flag when a given file is not a readable file; NOT_FOUND when a default cannot be found.
// `binary_dir` is where the running binary lies (see BinaryDir()).
absl::StatusOr<SlaFiles> ResolveSlaFiles(const std::string& binary_dir);

// The directory of the running executable (/proc/self/exe); empty if unknown.
std::string BinaryDir();

}  // namespace gridcase::sla
