#pragma once

#include <string>

#include "absl/status/status.h"

namespace gridcase::gridctl {

// gridctl's exit codes: scripts branch on these, so each one keeps its meaning across releases.
enum class ExitCode : int {
  kOk = 0,           // Done.
  kRefused = 1,      // The service refused the request or does not know the case (NOT_FOUND, INVALID_ARGUMENT,
                     // FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED: stale version, OUT_OF_RANGE).
  kUsage = 2,        // The command line or a local input is wrong; nothing was sent.
  kUnavailable = 3,  // A service, Kafka or Redis could not be reached or did not answer in time.
  kDenied = 4,       // The token is missing, invalid or expired, or its role and unit may not do this.
  kCheckFailed = 5,  // The work ran but its check failed: an audit found a broken invariant, a rebuild differs from
                     // the live projections, a parked case is still parked.
  kInternal = 6,     // Anything else (a bug, or an answer gridctl does not understand).
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

// The exit code for a failed call's status (from a service, Kafka or Redis).
ExitCode ExitCodeFor(absl::StatusCode code);

// One line per exit code, for --help.
std::string ExitCodesHelp();

// What the user can do about a failure of this kind from `service` (a gRPC service's name, "redis", "kafka" or
// "kafka/redis"), or "" when the message says it all.
std::string HintFor(absl::StatusCode code, const std::string& service);

}  // namespace gridcase::gridctl
