#include "libs/registry/org_registry.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/registry/grid_code.h"
#include "libs/registry/grid_index.h"
#include "libs/registry/rules.h"

namespace gridcase::registry {
namespace {

absl::Status Invalid(absl::string_view path, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", reason));
}

std::string At(absl::string_view list, int i) { return absl::StrCat(list, "[", i, "]"); }

absl::Status CheckName(absl::string_view item, absl::string_view name) {
  if (absl::StripAsciiWhitespace(name).empty()) return Invalid(absl::StrCat(item, ".name"), "missing");
  return absl::OkStatus();
}

// Adds `code` to `seen` (code → position); an error naming both positions when it is already there.
absl::Status CheckUnique(absl::string_view list, int i, const std::string& code,
                         absl::flat_hash_map<std::string, int>* seen) {
  auto [it, inserted] = seen->try_emplace(code, i);
  if (!inserted) {
    return Invalid(absl::StrCat(At(list, i), ".code"),
                   absl::StrCat(code, " appears twice (also ", At(list, it->second), ")"));
  }
  return absl::OkStatus();
}

// The code of a unit and the link to its parent: the parent exists and the code extends the parent's.
absl::Status CheckUnitCode(absl::string_view item, v1::Level level, const std::string& code,
                           absl::string_view parent_field, const std::string& parent_code,
                           absl::string_view parent_kind, const absl::flat_hash_map<std::string, int>& parents) {
  if (absl::Status status = ValidateCode(level, code); !status.ok()) {
    return Invalid(absl::StrCat(item, ".code"), status.message());
  }
  const std::string parent_path = absl::StrCat(item, ".", parent_field);
  if (parent_code.empty()) return Invalid(parent_path, "missing");
  if (!parents.contains(parent_code))
    return Invalid(parent_path, absl::StrCat("unknown ", parent_kind, " ", parent_code));
  if (absl::Status status = ValidateChildCode(level, code, parent_code); !status.ok()) {
    return Invalid(absl::StrCat(item, ".code"), status.message());
  }
  return absl::OkStatus();
}

// `names` is a list of strings (repeated proto field or vector).
template <typename Names>
absl::Status CheckPlaceNames(absl::string_view list, const Names& names) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const std::string& name = names[i];
    const std::string normalised = NormalizePlaceText(name);
    if (normalised.empty()) return Invalid(At(list, i), "empty");
    size_t chars = 0;
    for (unsigned char c : normalised) chars += (c & 0xC0) != 0x80 ? 1 : 0;
    if (chars < Gazetteer::kMinNameChars) {
      return Invalid(At(list, i), absl::StrCat("\"", name, "\" is too short to place an address (at least ",
                                               Gazetteer::kMinNameChars, " characters)"));
    }
    if (!seen.insert(normalised).second) return Invalid(At(list, i), absl::StrCat("\"", name, "\" repeats"));
  }
  return absl::OkStatus();
}

bool ValidPoint(const v1::GeoPoint& p) {
  return std::isfinite(p.lat()) && std::isfinite(p.lng()) && p.lat() >= -90.0 && p.lat() <= 90.0 && p.lng() >= -180.0 &&
         p.lng() <= 180.0;
}

template <typename T>
const T* Lookup(const absl::flat_hash_map<std::string, int>& index, const google::protobuf::RepeatedPtrField<T>& items,
                absl::string_view code) {
  auto it = index.find(code);
  return it == index.end() ? nullptr : &items.Get(it->second);
}

template <typename T>
absl::Span<const T* const> Children(const absl::flat_hash_map<std::string, std::vector<const T*>>& index,
                                    absl::string_view code) {
  auto it = index.find(code);
  if (it == index.end()) return {};
  return absl::MakeConstSpan(it->second);
}

}  // namespace

OrgRegistry::OrgRegistry() = default;
OrgRegistry::~OrgRegistry() = default;

absl::StatusOr<std::shared_ptr<const OrgRegistry>> OrgRegistry::Create(v1::Registry registry,
                                                                       GridPlaceNames grid_place_names) {
  std::shared_ptr<OrgRegistry> created(new OrgRegistry());
  created->registry_ = std::move(registry);
  if (absl::Status status = created->Index(std::move(grid_place_names)); !status.ok()) return status;
  return std::shared_ptr<const OrgRegistry>(std::move(created));
}

absl::Status OrgRegistry::Index(GridPlaceNames grid_place_names) {
  v1::Registry& r = registry_;
  if (r.counties().empty()) return Invalid("counties", "at least one county is needed");
  for (int i = 0; i < r.counties_size(); ++i) {
    const v1::County& county = r.counties(i);
    const std::string item = At("counties", i);
    if (absl::Status s = ValidateCode(v1::LEVEL_COUNTY, county.code()); !s.ok()) {
      return Invalid(absl::StrCat(item, ".code"), s.message());
    }
    if (absl::Status s = CheckName(item, county.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("counties", i, county.code(), &counties_); !s.ok()) return s;
  }

  for (int i = 0; i < r.townships_size(); ++i) {
    const v1::Township& township = r.townships(i);
    const std::string item = At("townships", i);
    if (absl::Status s = CheckUnitCode(item, v1::LEVEL_TOWNSHIP, township.code(), "county_code", township.county_code(),
                                       "county", counties_);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckName(item, township.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("townships", i, township.code(), &townships_); !s.ok()) return s;
  }

  for (int i = 0; i < r.communities_size(); ++i) {
    const v1::Community& community = r.communities(i);
    const std::string item = At("communities", i);
    if (absl::Status s = CheckUnitCode(item, v1::LEVEL_COMMUNITY, community.code(), "township_code",
                                       community.township_code(), "township", townships_);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckName(item, community.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("communities", i, community.code(), &communities_); !s.ok()) return s;
    if (absl::Status s = CheckPlaceNames(absl::StrCat(item, ".place_names"), community.place_names()); !s.ok()) {
      return s;
    }
  }

  if (r.grids().empty()) return Invalid("grids", "at least one grid is needed");
  if (!grid_place_names.empty() && static_cast<int>(grid_place_names.size()) != r.grids_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("grid place names: ", grid_place_names.size(), " lists for ", r.grids_size(), " grids"));
  }
  for (int i = 0; i < r.grids_size(); ++i) {
    const v1::Grid& grid = r.grids(i);
    const std::string item = At("grids", i);
    if (absl::Status s = CheckUnitCode(item, v1::LEVEL_GRID, grid.code(), "community_code", grid.community_code(),
                                       "community", communities_);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckName(item, grid.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("grids", i, grid.code(), &grids_); !s.ok()) return s;
    if (grid.kind() == v1::GRID_KIND_UNSPECIFIED || !v1::GridKind_IsValid(grid.kind())) {
      return Invalid(absl::StrCat(item, ".kind"), "must be urban, rural or special");
    }
    if (grid.households() < 0) return Invalid(absl::StrCat(item, ".households"), "must not be negative");
    absl::flat_hash_set<std::string> people;
    int heads = 0;
    for (int m = 0; m < grid.members_size(); ++m) {
      const v1::GridMember& member = grid.members(m);
      const std::string member_item = absl::StrCat(item, ".", At("members", m));
      if (!IsPlainCode(member.person_id())) {
        return Invalid(absl::StrCat(member_item, ".person_id"),
                       member.person_id().empty() ? "missing" : "must be 1-64 characters of [A-Za-z0-9._-]");
      }
      if (!people.insert(member.person_id()).second) {
        return Invalid(absl::StrCat(member_item, ".person_id"),
                       absl::StrCat(member.person_id(), " is listed twice in this grid"));
      }
      if (member.duty() == v1::GridMember::DUTY_UNSPECIFIED || !v1::GridMember::Duty_IsValid(member.duty())) {
        return Invalid(absl::StrCat(member_item, ".duty"), "must be grid_head, full_time or part_time");
      }
      if (member.duty() == v1::GridMember::DUTY_GRID_HEAD && ++heads > 1) {
        return Invalid(absl::StrCat(member_item, ".duty"), "a grid has at most one grid head");
      }
      if (!member.phone().empty() && !IsMainlandMobile(member.phone())) {
        return Invalid(absl::StrCat(member_item, ".phone"), "not a mainland mobile number (1[3-9] and 9 more digits)");
      }
    }
    if (!grid_place_names.empty()) {
      if (absl::Status s = CheckPlaceNames(absl::StrCat(item, ".place_names"), grid_place_names[i]); !s.ok()) {
        return s;
      }
    }
  }

  for (int i = 0; i < r.grids_size(); ++i) grids_of_community_[r.grids(i).community_code()].push_back(&r.grids(i));
  for (int i = 0; i < r.communities_size(); ++i) {
    const v1::Community& community = r.communities(i);
    if (!grids_of_community_.contains(community.code())) return Invalid(At("communities", i), "has no grids");
    communities_of_township_[community.township_code()].push_back(&community);
  }
  for (int i = 0; i < r.townships_size(); ++i) {
    const v1::Township& township = r.townships(i);
    if (!communities_of_township_.contains(township.code())) return Invalid(At("townships", i), "has no communities");
    townships_of_county_[township.county_code()].push_back(&township);
  }

  for (int i = 0; i < r.departments_size(); ++i) {
    const v1::Department& department = r.departments(i);
    const std::string item = At("departments", i);
    if (!IsPlainCode(department.code())) {
      return Invalid(absl::StrCat(item, ".code"),
                     department.code().empty() ? "missing" : "must be 1-64 characters of [A-Za-z0-9._-]");
    }
    if (absl::Status s = CheckName(item, department.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("departments", i, department.code(), &departments_); !s.ok()) return s;
    if (!department.township_code().empty()) {
      if (!townships_.contains(department.township_code())) {
        return Invalid(absl::StrCat(item, ".township_code"),
                       absl::StrCat("unknown township ", department.township_code()));
      }
      stations_of_township_[department.township_code()].push_back(&department);
    }
  }

  for (int i = 0; i < r.catalogue_size(); ++i) {
    const v1::CatalogueItem& entry = r.catalogue(i);
    const std::string item = At("catalogue", i);
    if (!IsPlainCode(entry.code())) {
      return Invalid(absl::StrCat(item, ".code"),
                     entry.code().empty() ? "missing" : "must be 1-64 characters of [A-Za-z0-9._-]");
    }
    if (absl::Status s = CheckName(item, entry.name()); !s.ok()) return s;
    if (absl::Status s = CheckUnique("catalogue", i, entry.code(), &catalogue_); !s.ok()) return s;
    if (entry.department_code().empty()) return Invalid(absl::StrCat(item, ".department_code"), "missing");
    if (!departments_.contains(entry.department_code())) {
      return Invalid(absl::StrCat(item, ".department_code"),
                     absl::StrCat("unknown department ", entry.department_code()));
    }
    if (entry.default_category() == v1::CATEGORY_UNSPECIFIED || !v1::Category_IsValid(entry.default_category())) {
      return Invalid(absl::StrCat(item, ".default_category"),
                     "must be one of simple, general, major, difficult, cross_county");
    }
    absl::flat_hash_set<std::string> keywords;
    for (int k = 0; k < entry.keywords_size(); ++k) {
      const std::string keyword(absl::StripAsciiWhitespace(entry.keywords(k)));
      const std::string path = absl::StrCat(item, ".", At("keywords", k));
      if (keyword.empty()) return Invalid(path, "empty");
      if (!keywords.insert(keyword).second) return Invalid(path, absl::StrCat("\"", keyword, "\" repeats"));
    }
    for (int k = 0; k < entry.phrases_size(); ++k) {
      const std::string path = absl::StrCat(item, ".", At("phrases", k));
      std::vector<absl::string_view> parts = absl::StrSplit(entry.phrases(k), "\xE2\x80\xA6");
      if (parts.size() < 2) return Invalid(path, "a phrase has at least two parts separated by \"…\"");
      for (absl::string_view part : parts) {
        if (absl::StripAsciiWhitespace(part).empty()) return Invalid(path, "has an empty part");
      }
      if (!keywords.insert(entry.phrases(k)).second) {
        return Invalid(path, absl::StrCat("\"", entry.phrases(k), "\" repeats"));
      }
    }
    absl::flat_hash_set<std::string> field_codes;
    for (int f = 0; f < entry.fields_size(); ++f) {
      const v1::CatalogueField& field = entry.fields(f);
      const std::string path = absl::StrCat(item, ".", At("fields", f));
      if (!IsPlainCode(field.code())) {
        return Invalid(absl::StrCat(path, ".code"), "must be 1-64 characters of [A-Za-z0-9._-]");
      }
      if (!field_codes.insert(field.code()).second) {
        return Invalid(absl::StrCat(path, ".code"), absl::StrCat(field.code(), " repeats"));
      }
      const std::string& type = field.datatype();
      const bool list = type == "singlevaluelist" || type == "multivaluelist";
      if (!list && type != "string" && type != "number" && type != "datetime" && type != "text") {
        return Invalid(absl::StrCat(path, ".datatype"),
                       "must be one of string, number, datetime, text, singlevaluelist, multivaluelist");
      }
      if (list != (field.values_size() > 0)) {
        return Invalid(absl::StrCat(path, ".values"), list ? "a list needs values" : "only a list has values");
      }
    }
    if (!entry.open311_service_code().empty()) {
      if (!IsPlainCode(entry.open311_service_code())) {
        return Invalid(absl::StrCat(item, ".open311_service_code"), "must be 1-64 characters of [A-Za-z0-9._-]");
      }
      auto [it, inserted] = service_codes_.try_emplace(entry.open311_service_code(), i);
      if (!inserted) {
        return Invalid(
            absl::StrCat(item, ".open311_service_code"),
            absl::StrCat(entry.open311_service_code(), " is also the code of ", At("catalogue", it->second)));
      }
    }
  }

  absl::StatusOr<std::unique_ptr<GridIndex>> index = GridIndex::Create(r.mutable_grids());
  if (!index.ok()) return index.status();
  grid_index_ = *std::move(index);

  for (const v1::Grid& grid : r.grids()) {
    for (const v1::GridMember& member : grid.members()) {
      assignments_[member.person_id()].push_back({grid.code(), member.duty()});
    }
  }

  for (const v1::Community& community : r.communities()) {
    gazetteer_.AddCommunityName(community.name(), community.code());
    for (const std::string& name : community.place_names()) gazetteer_.AddCommunityName(name, community.code());
    absl::Span<const v1::Grid* const> grids = GridsOfCommunity(community.code());
    if (grids.size() == 1) gazetteer_.SetSoleGrid(community.code(), grids.front()->code());
  }
  for (int i = 0; i < r.grids_size(); ++i) {
    const v1::Grid& grid = r.grids(i);
    gazetteer_.AddGridName(grid.name(), grid.community_code(), grid.code());
    if (grid_place_names.empty()) continue;
    for (const std::string& name : grid_place_names[i])
      gazetteer_.AddGridName(name, grid.community_code(), grid.code());
  }
  for (const v1::Township& township : r.townships()) {
    std::vector<std::string> codes;
    for (const v1::Community* community : CommunitiesOfTownship(township.code())) codes.push_back(community->code());
    gazetteer_.AddAreaName(township.name(), codes);
  }
  grid_place_names_ = std::move(grid_place_names);
  return absl::OkStatus();
}

const v1::County* OrgRegistry::FindCounty(absl::string_view code) const {
  return Lookup(counties_, registry_.counties(), code);
}
const v1::Township* OrgRegistry::FindTownship(absl::string_view code) const {
  return Lookup(townships_, registry_.townships(), code);
}
const v1::Community* OrgRegistry::FindCommunity(absl::string_view code) const {
  return Lookup(communities_, registry_.communities(), code);
}
const v1::Grid* OrgRegistry::FindGrid(absl::string_view code) const { return Lookup(grids_, registry_.grids(), code); }
const v1::Department* OrgRegistry::FindDepartment(absl::string_view code) const {
  return Lookup(departments_, registry_.departments(), code);
}
const v1::CatalogueItem* OrgRegistry::FindCatalogueItem(absl::string_view code) const {
  return Lookup(catalogue_, registry_.catalogue(), code);
}
const v1::CatalogueItem* OrgRegistry::FindByServiceCode(absl::string_view service_code) const {
  return Lookup(service_codes_, registry_.catalogue(), service_code);
}

std::optional<GridChain> OrgRegistry::ChainOfGrid(absl::string_view grid_code) const {
  GridChain chain;
  chain.grid = FindGrid(grid_code);
  if (chain.grid == nullptr) return std::nullopt;
  // Links were checked at Create, so every step exists.
  chain.community = FindCommunity(chain.grid->community_code());
  chain.township = FindTownship(chain.community->township_code());
  chain.county = FindCounty(chain.township->county_code());
  return chain;
}

absl::Span<const v1::Grid* const> OrgRegistry::GridsOfCommunity(absl::string_view community_code) const {
  return Children(grids_of_community_, community_code);
}
absl::Span<const v1::Community* const> OrgRegistry::CommunitiesOfTownship(absl::string_view township_code) const {
  return Children(communities_of_township_, township_code);
}
absl::Span<const v1::Township* const> OrgRegistry::TownshipsOfCounty(absl::string_view county_code) const {
  return Children(townships_of_county_, county_code);
}
absl::Span<const v1::Department* const> OrgRegistry::StationsOfTownship(absl::string_view township_code) const {
  return Children(stations_of_township_, township_code);
}

v1::Level OrgRegistry::LevelOfUnit(absl::string_view unit_code) const {
  if (grids_.contains(unit_code)) return v1::LEVEL_GRID;
  if (communities_.contains(unit_code)) return v1::LEVEL_COMMUNITY;
  if (townships_.contains(unit_code)) return v1::LEVEL_TOWNSHIP;
  if (counties_.contains(unit_code)) return v1::LEVEL_COUNTY;
  if (departments_.contains(unit_code)) return v1::LEVEL_DEPARTMENT;
  return v1::LEVEL_UNSPECIFIED;
}

bool OrgRegistry::IsWithin(absl::string_view unit_code, absl::string_view ancestor_code) const {
  const v1::Level unit = LevelOfUnit(unit_code);
  const v1::Level ancestor = LevelOfUnit(ancestor_code);
  if (unit == v1::LEVEL_UNSPECIFIED || unit == v1::LEVEL_DEPARTMENT || ancestor == v1::LEVEL_UNSPECIFIED ||
      ancestor == v1::LEVEL_DEPARTMENT) {
    return false;
  }
  // Codes of units in the registry extend their parents' codes (checked at Create).
  return absl::StartsWith(unit_code, ancestor_code);
}

absl::Span<const GridAssignment> OrgRegistry::AssignmentsOf(absl::string_view person_id) const {
  auto it = assignments_.find(person_id);
  if (it == assignments_.end()) return {};
  return absl::MakeConstSpan(it->second);
}

absl::Span<const std::string> OrgRegistry::GridPlaceNamesOf(absl::string_view grid_code) const {
  auto it = grids_.find(grid_code);
  if (it == grids_.end() || grid_place_names_.empty()) return {};
  return absl::MakeConstSpan(grid_place_names_[it->second]);
}

std::optional<std::string> OrgRegistry::LocatePoint(double lat, double lng) const {
  std::optional<int> position = grid_index_->Locate(lat, lng);
  if (!position.has_value()) return std::nullopt;
  return registry_.grids(*position).code();
}

void OrgRegistry::FillChain(absl::string_view community_code, Location* location) const {
  const v1::Community* community = FindCommunity(community_code);
  if (community == nullptr) return;
  location->community_code = community->code();
  location->township_code = community->township_code();
  if (const v1::Township* township = FindTownship(community->township_code()); township != nullptr) {
    location->county_code = township->county_code();
  }
}

Location OrgRegistry::LocateAddress(absl::string_view address) const {
  Location location;
  Gazetteer::Result found = gazetteer_.Find(address);
  if (found.precision == Gazetteer::Precision::kNone) return location;
  location.method =
      found.precision == Gazetteer::Precision::kGrid ? LocateMethod::kGazetteerGrid : LocateMethod::kGazetteerCommunity;
  location.grid_code = std::move(found.grid_code);
  location.matched_name = std::move(found.matched_name);
  FillChain(found.community_code, &location);
  return location;
}

Location OrgRegistry::Locate(const v1::GeoPoint* point, absl::string_view address) const {
  bool outside = false;
  if (point != nullptr && ValidPoint(*point)) {
    if (std::optional<int> position = grid_index_->Locate(point->lat(), point->lng()); position.has_value()) {
      Location location;
      const v1::Grid& grid = registry_.grids(*position);
      location.method = LocateMethod::kPolygon;
      location.grid_code = grid.code();
      FillChain(grid.community_code(), &location);
      return location;
    }
    outside = true;
  }
  Location location = LocateAddress(address);
  location.outside_county = outside;
  return location;
}

}  // namespace gridcase::registry
