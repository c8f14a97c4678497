#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/registry/registry_holder.h"
#include "services/intake/open311/api_keys.h"
#include "services/intake/open311/open311_backend.h"
#include "services/intake/open311/open311_gateway.h"

namespace gridcase::intake::open311 {

// The gateway's configuration from flags (or GRIDCASE_OPEN311_* environment variables):
//   --open311_addr            host:port to serve GeoReport v2 on; empty (the default) leaves the gateway off
//   --open311_keys            JSON file of API keys as salted hashes (api_keys.h); required with --open311_addr
//   --open311_keys_poll       how often the key file is checked for changes and reloaded (default 10s; 0: never)
//   --open311_max_body_bytes  largest POST body (default 65536)
//   --open311_threads         HTTP worker threads (default 8)
//   --open311_anonymous_rate, --open311_anonymous_burst  budget of reads without an api_key (default 20/s, 40)
struct Open311Config {
  bool enabled = false;
  Open311GatewayOptions options;
  ApiKeys keys;
  std::string keys_path;
  absl::Duration keys_poll = absl::Seconds(10);
};

// Reads and validates the flags, loading the key file; INVALID_ARGUMENT or NOT_FOUND naming the flag otherwise.
absl::StatusOr<Open311Config> LoadOpen311Config();

}  // namespace gridcase::intake::open311
