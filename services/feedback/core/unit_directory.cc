#include "services/feedback/core/unit_directory.h"

namespace gridcase::feedback {

RegistryUnitDirectory::RegistryUnitDirectory(std::shared_ptr<const registry::OrgRegistry> registry)
    : registry_(std::move(registry)) {
  for (const v1::Grid& grid : registry_->proto().grids()) {
    for (const v1::GridMember& m : grid.members()) people_.emplace(m.person_id(), m.name());
  }
}

std::string RegistryUnitDirectory::UnitName(const std::string& code) const {
  if (const auto* g = registry_->FindGrid(code)) return g->name();
  if (const auto* c = registry_->FindCommunity(code)) return c->name();
  if (const auto* t = registry_->FindTownship(code)) return t->name();
  if (const auto* c = registry_->FindCounty(code)) return c->name();
  if (const auto* d = registry_->FindDepartment(code)) return d->name();
  return code;
}

std::string RegistryUnitDirectory::ItemName(const std::string& item_code) const {
  if (const auto* item = registry_->FindCatalogueItem(item_code)) return item->name();
  return item_code;
}

std::string RegistryUnitDirectory::PersonName(const std::string& person_id) const {
  auto it = people_.find(person_id);
  return it == people_.end() ? person_id : it->second;
}

bool RegistryUnitDirectory::IsArea(const std::string& code) const {
  return registry_->FindGrid(code) != nullptr || registry_->FindCommunity(code) != nullptr ||
         registry_->FindTownship(code) != nullptr || registry_->FindCounty(code) != nullptr;
}

}  // namespace gridcase::feedback
