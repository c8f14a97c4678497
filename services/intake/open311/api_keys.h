#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/ratelimit/rate_limiter.h"

namespace gridcase::intake::open311 {

using ratelimit::RateLimit;

// Salt length, in bytes, of the hashes this code writes; the key file may hold longer ones (up to 64).
inline constexpr size_t kKeySaltBytes = 16;

// One Open311 client (a hotline system, an app) and what it may send. The client's key itself is not kept: only
// its salted SHA-256.
struct ApiKey {
  std::string name;  // Stable client name: logs, metrics, idempotency keys, resident ids.
  RateLimit limit;
  std::string salt;    // Bytes mixed in before the key.
  std::string sha256;  // SHA-256(salt || key), 32 bytes.
};

// The API keys a gateway accepts, from a JSON file (--open311_keys):
//
//   [{"name": "hotline-12345", "key_sha256": "<salt hex>:<hex of SHA-256(salt || key)>",
//     "rate_per_second": 20, "burst": 40}, ...]
//
// The file holds no key, only a salted hash of each (`gridcase-open311-key new` makes a key and its entry,
// `gridcase-open311-key hash` the entry of an existing key); a plaintext "key" field is refused. Salts are 16..64
// bytes; hashes are unique; names are 1..40 characters of [a-z0-9._-] and unique; rate_per_second > 0 and
// burst >= 1 (burst defaults to rate_per_second, at least 1). Immutable after creation; concurrent reads are safe.
class ApiKeys {
 public:
  // INVALID_ARGUMENT naming the JSON path ("[2].rate_per_second: must be > 0") on any error. No error message
  // carries a key or a hash.
  static absl::StatusOr<ApiKeys> FromJson(absl::string_view text);
  // Reads `path` and parses it as FromJson does; errors are prefixed with the path.
  static absl::StatusOr<ApiKeys> Load(const std::string& path);

  // The client whose key `presented_key` is; nullptr for an unknown key, or one that is not 16..128 printable ASCII
  // characters without spaces (refused before any hashing). The presented key is hashed with every entry's salt and
  // compared with each entry's hash in constant time (CRYPTO_memcmp), always through every entry, so the time taken
  // depends on the number of entries, not on which entry matched or how much of a hash did.
  const ApiKey* Find(absl::string_view presented_key) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<ApiKey> keys_;
};

// SHA-256(salt || key), 32 bytes.
std::string SaltedSha256(absl::string_view salt, absl::string_view key);

// The key file's "key_sha256" of `key` under `salt`: "<salt hex>:<hex of SHA-256(salt || key)>", lower-case.
std::string KeySha256Field(absl::string_view key, absl::string_view salt);

// One entry of the key file, as compact JSON: {"name", "key_sha256", "rate_per_second", "burst"}.
std::string HashedKeyEntry(absl::string_view name, absl::string_view key, absl::string_view salt, RateLimit limit);

// kKeySaltBytes from the operating system's random source (RAND_bytes); INTERNAL if it fails.
absl::StatusOr<std::string> NewKeySalt();

// A fresh API key: 32 random bytes (RAND_bytes), base64url without padding (43 characters); INTERNAL if the random
// source fails.
absl::StatusOr<std::string> NewApiKey();

// Whether `key` has the shape of an API key: 16..128 printable ASCII characters without spaces.
bool IsApiKeyText(absl::string_view key);

// Whether `name` can name a client: 1..40 characters of [a-z0-9._-].
bool IsClientName(absl::string_view name);

}  // namespace gridcase::intake::open311
