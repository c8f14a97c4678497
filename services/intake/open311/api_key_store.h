#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "libs/config/file_reloader.h"
#include "services/intake/open311/api_keys.h"

namespace gridcase::intake::open311 {

// The API keys a gateway accepts now, replaceable while it serves (key rotation without a restart). A request takes
// one snapshot with Current() and authenticates against it; a replaced set lives on until its last reader drops it.
//
// Thread-safe: Current() takes no mutex and never waits for a reload (the shared_ptr is swapped atomically).
class ApiKeyStore {
 public:
  explicit ApiKeyStore(ApiKeys keys);

  // The current keys; never null.
  std::shared_ptr<const ApiKeys> Current() const { return current_.load(std::memory_order_acquire); }

  // Loads the key file at `path` and, when it is valid and holds at least one key, makes it current. On any error
  // the current keys stay and the error (naming the file and the JSON path, never a key) is returned.
  absl::Status Reload(const std::string& path);

  // Makes `keys` current.
  void Replace(ApiKeys keys);

 private:
  std::atomic<std::shared_ptr<const ApiKeys>> current_;
};

// Keeps `store` in step with the key file at `path` (whose keys it holds now): every `poll` (zero: never) the file is
// reloaded when it changed (modification time, size or inode — a rename over it and a Kubernetes Secret's symlink
// swap both count). Each attempt is reported through metrics::ReportReload("open311_keys", …); a failed one keeps
// the current keys. `store` must outlive the returned reloader, which stops polling when destroyed.
std::unique_ptr<config::FileReloader> FollowKeyFile(ApiKeyStore* store, const std::string& path,
                                                    absl::Duration poll);

}  // namespace gridcase::intake::open311
