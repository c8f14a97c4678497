#include "services/intake/open311/open311_config.h"

#include <cmath>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/config/config.h"

ABSL_FLAG(std::string, open311_addr, "",
          "Open311 GeoReport v2 HTTP listen address (host:port; port 0 picks one); empty: no Open311 gateway");
ABSL_FLAG(std::string, open311_keys, "",
          "JSON file of Open311 API keys as salted hashes: [{\"name\", \"key_sha256\", \"rate_per_second\", "
          "\"burst\"}, ...]; gridcase-open311-key writes the entries");
ABSL_FLAG(absl::Duration, open311_keys_poll, absl::Seconds(10),
          "How often the --open311_keys file is checked and, when changed, reloaded without a restart (0: never)");
ABSL_FLAG(int64_t, open311_max_body_bytes, 64 * 1024, "Largest Open311 POST body, in bytes");
ABSL_FLAG(int, open311_threads, 8, "Open311 HTTP worker threads");
ABSL_FLAG(double, open311_anonymous_rate, 20, "Open311 reads per second without an api_key (all clients together)");
ABSL_FLAG(double, open311_anonymous_burst, 40, "Burst of Open311 reads without an api_key");

namespace gridcase::intake::open311 {

absl::StatusOr<Open311Config> LoadOpen311Config() {
  Open311Config c;
  c.options.address = absl::GetFlag(FLAGS_open311_addr);
  c.enabled = !c.options.address.empty();
  if (!c.enabled) return c;
  if (auto hp = config::ParseHostPort(c.options.address, "--open311_addr"); !hp.ok()) return hp.status();
  int64_t max_body = absl::GetFlag(FLAGS_open311_max_body_bytes);
  if (max_body < 1024 || max_body > 16 * 1024 * 1024) {
    return absl::InvalidArgumentError("--open311_max_body_bytes: must be 1024..16777216");
  }
  c.options.max_body_bytes = static_cast<size_t>(max_body);
  c.options.threads = absl::GetFlag(FLAGS_open311_threads);
  if (c.options.threads < 1 || c.options.threads > 256) {
    return absl::InvalidArgumentError("--open311_threads: must be 1..256");
  }
  c.options.anonymous.rate_per_second = absl::GetFlag(FLAGS_open311_anonymous_rate);
  c.options.anonymous.burst = absl::GetFlag(FLAGS_open311_anonymous_burst);
  if (!std::isfinite(c.options.anonymous.rate_per_second) || c.options.anonymous.rate_per_second <= 0) {
    return absl::InvalidArgumentError("--open311_anonymous_rate: must be > 0");
  }
  if (!std::isfinite(c.options.anonymous.burst) || c.options.anonymous.burst < 1) {
    return absl::InvalidArgumentError("--open311_anonymous_burst: must be >= 1");
  }
  c.keys_poll = absl::GetFlag(FLAGS_open311_keys_poll);
  if (c.keys_poll < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--open311_keys_poll: must not be negative");
  }
  std::string keys_path = absl::GetFlag(FLAGS_open311_keys);
  if (keys_path.empty()) return absl::InvalidArgumentError("--open311_keys: required with --open311_addr");
  auto keys = ApiKeys::Load(keys_path);
  if (!keys.ok()) {
    return absl::Status(keys.status().code(), absl::StrCat("--open311_keys: ", keys.status().message()));
  }
  if (keys->size() == 0) return absl::InvalidArgumentError(absl::StrCat("--open311_keys: ", keys_path, ": no keys"));
  c.keys = *std::move(keys);
  c.keys_path = keys_path;
  return c;
}

}  // namespace gridcase::intake::open311
