#include "libs/service/service_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, registry, "data/registry/sample-county.json",
          "The administrative registry (county, townships, communities, grids, departments, catalogue); reloaded on "
          "SIGHUP and when the file changes");
ABSL_FLAG(absl::Duration, registry_poll, absl::Seconds(10),
          "How often to check the registry file for changes (0: only on SIGHUP)");
ABSL_FLAG(std::string, sla_policy, "",
          "SLA policy JSON (default: sla-policy.json shipped with the SLA service, beside its binary)");
ABSL_FLAG(std::string, holiday_files, "",
          "Comma-separated holiday arrangement TSV files (default: every cn-holidays-*.tsv shipped with the SLA "
          "service, in data/ beside its binary)");
ABSL_FLAG(std::string, data_master_key_file, "",
          "JSON file of the master keys that wrap residents' data keys and of the resident index key (a Secret)");
ABSL_FLAG(bool, grpc_reflection, true,
          "Serve gRPC server reflection (grpcurl, grpc_cli); turn off where the API surface must not be listed");

namespace gridcase::service {

std::string RegistryPath() { return absl::GetFlag(FLAGS_registry); }
absl::Duration RegistryPoll() { return absl::GetFlag(FLAGS_registry_poll); }
std::string SlaPolicyFlag() { return absl::GetFlag(FLAGS_sla_policy); }
std::string HolidayFilesFlag() { return absl::GetFlag(FLAGS_holiday_files); }
bool GrpcReflection() { return absl::GetFlag(FLAGS_grpc_reflection); }
std::string DataMasterKeyFile() { return absl::GetFlag(FLAGS_data_master_key_file); }

}  // namespace gridcase::service
