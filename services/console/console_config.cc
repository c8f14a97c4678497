#include "services/console/console_config.h"

#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/config/config.h"

ABSL_FLAG(std::string, console_addr, "127.0.0.1:8080", "host:port of the web console; port 0 picks a free one");
ABSL_FLAG(std::string, web_dir, "",
          "folder of the console's pages; default: web/ beside the binary, else the source tree's");
ABSL_FLAG(std::string, intake_addr, "", "intake's gRPC address (required)");
ABSL_FLAG(std::string, dispatch_addr, "", "dispatch's gRPC address (required)");
ABSL_FLAG(std::string, sla_addr, "", "sla's gRPC address (required)");
ABSL_FLAG(std::string, feedback_addr, "", "feedback's gRPC address (required)");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(10), "deadline of each call the console makes to a service");

namespace gridcase::console {
namespace {

std::string DefaultWebDir() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    std::filesystem::path beside = self.parent_path() / "web";
    if (std::filesystem::exists(beside / "index.html", error)) return beside.string();
  }
  return GRIDCASE_CONSOLE_WEB_DIR;
}

}  // namespace

absl::StatusOr<ConsoleConfig> LoadConsoleConfig() {
  ConsoleConfig config;
  config.console_addr = absl::GetFlag(FLAGS_console_addr);
  config.web_dir = absl::GetFlag(FLAGS_web_dir);
  config.intake_addr = absl::GetFlag(FLAGS_intake_addr);
  config.dispatch_addr = absl::GetFlag(FLAGS_dispatch_addr);
  config.sla_addr = absl::GetFlag(FLAGS_sla_addr);
  config.feedback_addr = absl::GetFlag(FLAGS_feedback_addr);
  config.call_timeout = absl::GetFlag(FLAGS_call_timeout);
  if (config.web_dir.empty()) config.web_dir = DefaultWebDir();
  std::error_code error;
  if (!std::filesystem::exists(std::filesystem::path(config.web_dir) / "index.html", error)) {
    return absl::InvalidArgumentError(absl::StrCat("--web_dir: ", config.web_dir, " has no index.html"));
  }
  for (const auto& [flag, value] : {std::pair{"console_addr", config.console_addr},
                                    std::pair{"intake_addr", config.intake_addr},
                                    std::pair{"dispatch_addr", config.dispatch_addr},
                                    std::pair{"sla_addr", config.sla_addr},
                                    std::pair{"feedback_addr", config.feedback_addr}}) {
    if (auto parsed = config::ParseHostPort(value, absl::StrCat("--", flag)); !parsed.ok()) return parsed.status();
  }
  if (config.call_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--call_timeout: must be positive");
  }
  return config;
}

}  // namespace gridcase::console
