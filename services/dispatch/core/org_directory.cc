#include "services/dispatch/core/org_directory.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace gridcase::dispatch {
namespace {

template <typename Map>
std::optional<std::string> Find(const Map& map, absl::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// Adds code → parent, rejecting an empty or repeated code and a parent missing from `parents` (when given).
template <typename Parents>
absl::Status Link(absl::flat_hash_map<std::string, std::string>& map, absl::string_view kind, const std::string& code,
                  absl::string_view parent_kind, const std::string& parent, const Parents* parents) {
  if (code.empty()) return absl::InvalidArgumentError(absl::StrCat("registry: a ", kind, " has an empty code"));
  if (parents != nullptr && !parents->contains(parent)) {
    return absl::InvalidArgumentError(
        absl::StrCat("registry: ", kind, " ", code, " refers to unknown ", parent_kind, " \"", parent, "\""));
  }
  if (!map.emplace(code, parent).second) {
    return absl::InvalidArgumentError(absl::StrCat("registry: ", kind, " ", code, " appears twice"));
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<std::string> OrgDirectory::TownshipOfGrid(absl::string_view grid_code) const {
  std::optional<std::string> community = CommunityOfGrid(grid_code);
  if (!community) return std::nullopt;
  return TownshipOfCommunity(*community);
}

absl::StatusOr<InMemoryOrgDirectory> InMemoryOrgDirectory::Create(const v1::Registry& registry) {
  InMemoryOrgDirectory dir;
  absl::flat_hash_set<std::string> counties;
  for (const v1::County& county : registry.counties()) {
    if (county.code().empty()) return absl::InvalidArgumentError("registry: a county has an empty code");
    if (!counties.insert(county.code()).second) {
      return absl::InvalidArgumentError(absl::StrCat("registry: county ", county.code(), " appears twice"));
    }
  }
  for (const v1::Township& township : registry.townships()) {
    // A township may be registered without its county; the county rung of escalation is then unavailable for it.
    const auto* parents = township.county_code().empty() ? nullptr : &counties;
    if (absl::Status s =
            Link(dir.township_county_, "township", township.code(), "county", township.county_code(), parents);
        !s.ok()) {
      return s;
    }
  }
  for (const v1::Community& community : registry.communities()) {
    if (absl::Status s = Link(dir.community_township_, "community", community.code(), "township",
                              community.township_code(), &dir.township_county_);
        !s.ok()) {
      return s;
    }
  }
  for (const v1::Grid& grid : registry.grids()) {
    if (absl::Status s = Link(dir.grid_community_, "grid", grid.code(), "community", grid.community_code(),
                              &dir.community_township_);
        !s.ok()) {
      return s;
    }
  }
  for (const v1::Department& department : registry.departments()) {
    if (department.code().empty()) return absl::InvalidArgumentError("registry: a department has an empty code");
    if (!department.township_code().empty() && !dir.township_county_.contains(department.township_code())) {
      return absl::InvalidArgumentError(absl::StrCat("registry: department ", department.code(),
                                                     " refers to unknown township \"", department.township_code(),
                                                     "\""));
    }
    if (!dir.departments_.insert(department.code()).second) {
      return absl::InvalidArgumentError(absl::StrCat("registry: department ", department.code(), " appears twice"));
    }
  }
  for (const v1::CatalogueItem& item : registry.catalogue()) {
    if (absl::Status s = Link(dir.catalogue_department_, "catalogue item", item.code(), "department",
                              item.department_code(), &dir.departments_);
        !s.ok()) {
      return s;
    }
  }
  return dir;
}

std::optional<std::string> InMemoryOrgDirectory::CommunityOfGrid(absl::string_view grid_code) const {
  return Find(grid_community_, grid_code);
}

std::optional<std::string> InMemoryOrgDirectory::TownshipOfCommunity(absl::string_view community_code) const {
  return Find(community_township_, community_code);
}

std::optional<std::string> InMemoryOrgDirectory::CountyOfTownship(absl::string_view township_code) const {
  std::optional<std::string> county = Find(township_county_, township_code);
  if (county && county->empty()) return std::nullopt;
  return county;
}

bool InMemoryOrgDirectory::DepartmentExists(absl::string_view department_code) const {
  return departments_.contains(department_code);
}

std::optional<std::string> InMemoryOrgDirectory::DepartmentOfCatalogueItem(absl::string_view catalogue_item) const {
  return Find(catalogue_department_, catalogue_item);
}

ReplaceableOrgDirectory::ReplaceableOrgDirectory(InMemoryOrgDirectory initial)
    : current_(std::make_shared<const InMemoryOrgDirectory>(std::move(initial))) {}

void ReplaceableOrgDirectory::Replace(InMemoryOrgDirectory next) {
  current_.store(std::make_shared<const InMemoryOrgDirectory>(std::move(next)), std::memory_order_release);
}

std::optional<std::string> ReplaceableOrgDirectory::CommunityOfGrid(absl::string_view grid_code) const {
  return current()->CommunityOfGrid(grid_code);
}
std::optional<std::string> ReplaceableOrgDirectory::TownshipOfCommunity(absl::string_view community_code) const {
  return current()->TownshipOfCommunity(community_code);
}
std::optional<std::string> ReplaceableOrgDirectory::CountyOfTownship(absl::string_view township_code) const {
  return current()->CountyOfTownship(township_code);
}
bool ReplaceableOrgDirectory::DepartmentExists(absl::string_view department_code) const {
  return current()->DepartmentExists(department_code);
}
std::optional<std::string> ReplaceableOrgDirectory::DepartmentOfCatalogueItem(absl::string_view catalogue_item) const {
  return current()->DepartmentOfCatalogueItem(catalogue_item);
}

}  // namespace gridcase::dispatch
