#include "tests/support/audit_run.h"

#include <sys/wait.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"

namespace gridcase::testing {

AuditRun RunGridcaseAudit(const std::string& topic_prefix, const std::string& redis_prefix, bool json,
                          const std::vector<std::string>& extra_args, const std::string& log_path) {
  std::string command = absl::StrCat(BinaryPath("services/audit/gridcase-audit"), " --kafka_brokers=",
                                     TestInfra().kafka_brokers, " --redis_addr=", TestInfra().redis_addr,
                                     " --topic_prefix=", topic_prefix, " --redis_prefix=", redis_prefix);
  if (json) absl::StrAppend(&command, " --json");
  for (const std::string& arg : extra_args) absl::StrAppend(&command, " '", arg, "'");
  absl::StrAppend(&command, " 2>'", log_path, "'");
  AuditRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (json) {
    nlohmann::json parsed = nlohmann::json::parse(run.output, nullptr, false);
    if (!parsed.is_discarded()) run.summary = std::move(parsed);
  }
  return run;
}

}  // namespace gridcase::testing
