#pragma once

#include <string>

#include "absl/time/time.h"

namespace gridcase::service {

// Flags shared by several services, declared once here (GRIDCASE_* environment fallbacks as for every flag):
//   --registry          the administrative registry (JSON); default data/registry/sample-county.json
//   --registry_poll     how often the runner checks the registry file for changes (0: only on SIGHUP); default 10s
//   --sla_policy        the SLA policy (JSON); empty (the default): the one shipped with the SLA service
//   --holiday_files     comma-separated holiday arrangement files; empty (the default): the ones shipped with the SLA
//                       service
//   --grpc_reflection   serve gRPC server reflection; default true
//   --data_master_key_file  the master keys that wrap residents' data keys (libs/privacy/master_keys.h); required by
//                       the services that seal or open personal data (intake, dispatch)
std::string RegistryPath();
absl::Duration RegistryPoll();
std::string SlaPolicyFlag();
std::string HolidayFilesFlag();
bool GrpcReflection();
std::string DataMasterKeyFile();

}  // namespace gridcase::service
