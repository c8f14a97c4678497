#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::config {

// Parses command-line flags (ABSL_FLAG) with environment fallbacks: a flag `--redis_addr` not given on the command
// line takes its value from GRIDCASE_REDIS_ADDR when that is set. The command line wins over the environment.
// Exits with a usage message on a malformed flag or environment value, naming it. Returns positional arguments.
std::vector<char*> ParseFlags(int argc, char** argv, const char* usage);

// "host:port" → {host, port}; INVALID_ARGUMENT naming `what` when malformed.
struct HostPort {
  std::string host;
  int port = 0;
};
absl::StatusOr<HostPort> ParseHostPort(const std::string& value, const std::string& what);

}  // namespace gridcase::config
