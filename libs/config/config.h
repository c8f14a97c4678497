#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::config {

// Parses command-line flags (ABSL_FLAG) with environment fallbacks: a flag `--redis_addr` not given on the command
// line takes its value from GRIDCASE_REDIS_ADDR when that is set. The command line wins over the environment.
// Exits 2 with a message naming the flag on an unknown flag or a malformed flag or environment value (the services'
// convention for a bad flag, libs/service/service_runner.h). Returns positional arguments.
std::vector<char*> ParseFlags(int argc, char** argv, const char* usage);

// "host:port" → {host, port}; INVALID_ARGUMENT naming `what` when malformed.
struct HostPort {
  std::string host;
  int port = 0;
};
absl::StatusOr<HostPort> ParseHostPort(const std::string& value, const std::string& what);

}  // namespace gridcase::config
