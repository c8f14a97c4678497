#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::console {

// The console's own settings, from flags (each with its GRIDCASE_<FLAG> environment fallback):
//   --console_addr    host:port of the web console (HTTP); default 127.0.0.1:8080, port 0 picks a free one
//   --web_dir         the folder of the console's pages (index.html, app.js, style.css); default: the web/ folder
//                     installed beside the binary, else the source tree's services/console/web
//   --intake_addr, --dispatch_addr, --sla_addr, --feedback_addr   the gRPC services the console calls (host:port)
//   --call_timeout    deadline of each call to a service; default 10s
struct ConsoleConfig {
  std::string console_addr;
  std::string web_dir;
  std::string intake_addr;
  std::string dispatch_addr;
  std::string sla_addr;
  std::string feedback_addr;
  absl::Duration call_timeout;
};

// INVALID_ARGUMENT naming the flag when one is missing or malformed, or the web folder has no index.html.
absl::StatusOr<ConsoleConfig> LoadConsoleConfig();

}  // namespace gridcase::console
