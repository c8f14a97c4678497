#include "tools/gridctl/core/exit_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gridcase::gridctl {

ExitCode ExitCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return ExitCode::kOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kOutOfRange:
      return ExitCode::kRefused;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
      return ExitCode::kUnavailable;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return ExitCode::kDenied;
    default:
      return ExitCode::kInternal;
  }
}

std::string ExitCodesHelp() {
  return "Exit codes:\n"
         "  0  done\n"
         "  1  refused by the service, or not found (bad field, stale version, wrong state, unknown case)\n"
         "  2  usage: the command line or a local input is wrong; nothing was sent\n"
         "  3  unavailable: a service, Kafka or Redis could not be reached or did not answer in time\n"
         "  4  denied: token missing, invalid or expired, or its role/unit may not do this\n"
         "  5  check failed: audit found a broken invariant, rebuild differs, case still parked\n"
         "  6  internal error\n";
}

std::string HintFor(absl::StatusCode code, const std::string& service) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      if (service == "redis") {
        return "is redis-server running at that address? check --redis_addr (GRIDCASE_REDIS_ADDR), --redis_user and "
               "--redis_password_file";
      }
      if (service == "kafka" || service == "kafka/redis") {
        return "are Kafka and Redis running there? check --kafka_brokers (GRIDCASE_KAFKA_BROKERS), --redis_addr "
               "(GRIDCASE_REDIS_ADDR) and their security options";
      }
      return absl::StrCat("is ", service, " running at that address? check --", service, "_addr (GRIDCASE_",
                          absl::AsciiStrToUpper(service), "_ADDR), --tls_ca for a TLS service, or raise --timeout");
    case absl::StatusCode::kUnauthenticated:
      return "pass a valid token with --token or GRIDCASE_TOKEN (development: gridctl token ROLE UNIT); a service's "
             "token under mutual TLS also needs its certificate (--tls_cert, --tls_key)";
    case absl::StatusCode::kPermissionDenied:
      return "use a token of a role and unit that may do this (docs/SECURITY.md lists the scopes)";
    case absl::StatusCode::kAborted:
      if (service != "dispatch") return "";
      return "the case changed meanwhile: read it again (gridctl get) and retry with its current version";
    case absl::StatusCode::kFailedPrecondition:
      if (service != "dispatch") return "";
      return "see the case's state with gridctl get, and docs/CASE-STATE-MACHINE.md for what it allows";
    default:
      return "";
  }
}

}  // namespace gridcase::gridctl
