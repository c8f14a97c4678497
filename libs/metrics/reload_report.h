#pragma once

#include <string>

#include "absl/status/status.h"

namespace gridcase::metrics {

// Reports one attempt to reload the data file `file` (e.g. "registry") without a restart: counts it in
// gridcase_file_reloads_total{file, outcome="reloaded"|"failed"} and logs it (a failure at error level, with the
// loader's message, which names the file and the bad field). Thread-safe.
void ReportReload(const std::string& file, const absl::Status& status);

}  // namespace gridcase::metrics
