#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace gridcase::testing {

// What one run of gridcase-audit said.
struct AuditRun {
  int exit_code = -1;  // 0 every invariant holds, 1 a violation, 2 bad flags, 3 the audit could not run.
  std::string output;  // stdout: the summary (one JSON line with --json).
  nlohmann::json summary;  // The parsed JSON summary (with `json`), else null.
};

// Runs build/services/audit/gridcase-audit over the topics and keys of one prefix pair, against the test
// infrastructure, with `extra_args` (e.g. "--settle=30s"); its log (stderr) goes to `log_path`.
AuditRun RunGridcaseAudit(const std::string& topic_prefix, const std::string& redis_prefix, bool json = true,
                          const std::vector<std::string>& extra_args = {}, const std::string& log_path = "/dev/null");

}  // namespace gridcase::testing
