#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/registry/org_registry.h"

namespace gridcase::registry {

// The registry a process serves from, replaceable at run time (hot reload). Readers take a snapshot with Get() and
// use it for the whole of one request, so a request never sees two registries; a replaced registry lives on until
// its last reader drops the snapshot.
//
// Thread-safe: Get() takes no mutex and never waits for a reload (the shared_ptr is swapped atomically); Reload and
// Replace calls are serialised among themselves.
class RegistryHolder {
 public:
  // `registry` must not be null.
  explicit RegistryHolder(std::shared_ptr<const OrgRegistry> registry);

  // A holder over the registry file at `path`, or the loader's error.
  static absl::StatusOr<std::unique_ptr<RegistryHolder>> Load(const std::string& path);

  // The current registry; never null.
  std::shared_ptr<const OrgRegistry> Get() const { return current_.load(std::memory_order_acquire); }

  // Loads `path` and, when it is valid, makes it current. On any error the current registry stays and the error is
  // returned (with the file path in it), so a bad edit to the file never takes the service down.
  absl::Status Reload(const std::string& path);

  // Makes `registry` current. INVALID_ARGUMENT for a null registry.
  absl::Status Replace(std::shared_ptr<const OrgRegistry> registry);

  // How many times the registry was replaced since construction.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const OrgRegistry>> current_;
  std::atomic<uint64_t> generation_{0};
  absl::Mutex reload_mu_;
};

}  // namespace gridcase::registry
