#include "services/feedback/core/unit_directory.h"

#include <utility>

namespace gridcase::feedback {

RegistryUnitDirectory::RegistryUnitDirectory(std::shared_ptr<const registry::OrgRegistry> registry)
    : current_(MakeSnapshot(std::move(registry))) {}

void RegistryUnitDirectory::Replace(std::shared_ptr<const registry::OrgRegistry> registry) {
  current_.store(MakeSnapshot(std::move(registry)), std::memory_order_release);
}

std::shared_ptr<const RegistryUnitDirectory::Snapshot> RegistryUnitDirectory::MakeSnapshot(
    std::shared_ptr<const registry::OrgRegistry> registry) {
  auto snapshot = std::make_shared<Snapshot>();
  for (const v1::Grid& grid : registry->proto().grids()) {
    for (const v1::GridMember& m : grid.members()) snapshot->people.emplace(m.person_id(), m.name());
  }
  snapshot->registry = std::move(registry);
  return snapshot;
}

std::string RegistryUnitDirectory::UnitName(const std::string& code) const {
  std::shared_ptr<const Snapshot> s = current();
  const registry::OrgRegistry& r = *s->registry;
  if (const auto* g = r.FindGrid(code)) return g->name();
  if (const auto* c = r.FindCommunity(code)) return c->name();
  if (const auto* t = r.FindTownship(code)) return t->name();
  if (const auto* c = r.FindCounty(code)) return c->name();
  if (const auto* d = r.FindDepartment(code)) return d->name();
  return code;
}

std::string RegistryUnitDirectory::ItemName(const std::string& item_code) const {
  std::shared_ptr<const Snapshot> s = current();
  if (const auto* item = s->registry->FindCatalogueItem(item_code)) return item->name();
  return item_code;
}

std::string RegistryUnitDirectory::PersonName(const std::string& person_id) const {
  std::shared_ptr<const Snapshot> s = current();
  auto it = s->people.find(person_id);
  return it == s->people.end() ? person_id : it->second;
}

bool RegistryUnitDirectory::IsArea(const std::string& code) const {
  std::shared_ptr<const Snapshot> s = current();
  const registry::OrgRegistry& r = *s->registry;
  return r.FindGrid(code) != nullptr || r.FindCommunity(code) != nullptr || r.FindTownship(code) != nullptr ||
         r.FindCounty(code) != nullptr;
}

}  // namespace gridcase::feedback
