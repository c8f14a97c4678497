#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/intake/open311/rate_limiter.h"

namespace gridcase::intake::open311 {

// One Open311 client (a hotline system, an app) and what it may send.
struct ApiKey {
  std::string key;   // Secret; never logged, never stored in a case.
  std::string name;  // Stable client name: logs, metrics, idempotency keys, resident ids.
  RateLimit limit;
};

// The API keys a gateway accepts, from a JSON file (--open311_keys):
//
//   [{"key": "k-3f9a…", "name": "hotline-12345", "rate_per_second": 20, "burst": 40}, ...]
//
// Keys are 16..128 printable ASCII characters without spaces and unique; names are 1..40 characters of
// [a-z0-9._-] and unique; rate_per_second > 0 and burst >= 1 (burst defaults to rate_per_second, at least 1).
// Immutable after creation; concurrent reads are safe.
class ApiKeys {
 public:
  // INVALID_ARGUMENT naming the JSON path ("[2].rate_per_second: must be > 0") on any error.
  static absl::StatusOr<ApiKeys> FromJson(absl::string_view text);
  // Reads `path` and parses it as FromJson does; errors are prefixed with the path.
  static absl::StatusOr<ApiKeys> Load(const std::string& path);

  // The client with this key; nullptr for an unknown (or empty) key.
  const ApiKey* Find(absl::string_view key) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<ApiKey> keys_;
  absl::flat_hash_map<std::string, size_t> by_key_;
};

}  // namespace gridcase::intake::open311
