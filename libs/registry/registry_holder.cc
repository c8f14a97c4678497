#include "libs/registry/registry_holder.h"

#include <utility>

#include "libs/registry/registry_json.h"

namespace gridcase::registry {

RegistryHolder::RegistryHolder(std::shared_ptr<const OrgRegistry> registry) : current_(std::move(registry)) {}

absl::StatusOr<std::unique_ptr<RegistryHolder>> RegistryHolder::Load(const std::string& path) {
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = LoadRegistry(path);
  if (!registry.ok()) return registry.status();
  return std::make_unique<RegistryHolder>(*std::move(registry));
}

absl::Status RegistryHolder::Reload(const std::string& path) {
  absl::MutexLock lock(&reload_mu_);
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = LoadRegistry(path);
  if (!registry.ok()) return registry.status();
  current_.store(*std::move(registry), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

absl::Status RegistryHolder::Replace(std::shared_ptr<const OrgRegistry> registry) {
  if (registry == nullptr) return absl::InvalidArgumentError("registry: null");
  absl::MutexLock lock(&reload_mu_);
  current_.store(std::move(registry), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

}  // namespace gridcase::registry
