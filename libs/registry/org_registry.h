#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gridcase/v1/org.pb.h"
#include "libs/registry/gazetteer.h"
#include "libs/registry/location.h"

namespace gridcase::registry {

class GridIndex;  // libs/registry/grid_index.h; kept out of this header so that users do not compile S2.

// The grid → community → township → county chain of one grid.
struct GridChain {
  const v1::Grid* grid = nullptr;
  const v1::Community* community = nullptr;
  const v1::Township* township = nullptr;
  const v1::County* county = nullptr;
};

// One grid a person serves in, and in what duty.
struct GridAssignment {
  std::string grid_code;
  v1::GridMember::Duty duty = v1::GridMember::DUTY_UNSPECIFIED;
};

// 行政区划与网格名册: the administrative registry of one county — townships (乡镇/街道), communities (村/社区), grids
// (网格) with their polygons and members, departments (部门) and the dispatch catalogue (派单目录) — with the lookups
// intake and dispatch need and the locator that places a request on a grid.
//
// Immutable once created, so any number of threads may read it; share it as std::shared_ptr<const OrgRegistry> (see
// RegistryHolder for replacing it at run time). Pointers and spans it returns live as long as the registry.
class OrgRegistry {
 public:
  // Per grid (same positions as registry.grids()), the names that lie inside it — buildings, landmarks — for the
  // gazetteer. The proto has no field for them. May be empty (no grid-level names).
  using GridPlaceNames = std::vector<std::vector<std::string>>;

  // Validates and indexes a registry. INVALID_ARGUMENT names the first offending field by its path in the registry
  // (the same path in the JSON file), e.g. "communities[3].township_code: unknown township 330199099". Checked:
  // - codes: the 一格一码 scheme of grid_code.h, unique per kind, each extending its parent's code;
  // - links: every township, community, grid, department station and catalogue item points at a unit or department
  //   that exists; every township has a community and every community a grid;
  // - names, kinds, duties (at most one grid head per grid), mobile numbers 1[3-9]XXXXXXXXX, place names (at least
  //   Gazetteer::kMinNameChars characters, no repeats in one list);
  // - polygons: valid rings that do not overlap (GridIndex), normalised in the stored proto;
  // - catalogue: default_category one of the five categories, keywords non-empty, unique open311_service_code.
  static absl::StatusOr<std::shared_ptr<const OrgRegistry>> Create(v1::Registry registry,
                                                                   GridPlaceNames grid_place_names = {});

  OrgRegistry(const OrgRegistry&) = delete;
  OrgRegistry& operator=(const OrgRegistry&) = delete;
  ~OrgRegistry();

  // The registry as validated (polygons normalised), e.g. for building another view of it.
  const v1::Registry& proto() const { return registry_; }

  // Lookups by code; nullptr when unknown.
  const v1::County* FindCounty(absl::string_view code) const;
  const v1::Township* FindTownship(absl::string_view code) const;
  const v1::Community* FindCommunity(absl::string_view code) const;
  const v1::Grid* FindGrid(absl::string_view code) const;
  const v1::Department* FindDepartment(absl::string_view code) const;
  const v1::CatalogueItem* FindCatalogueItem(absl::string_view code) const;
  // The catalogue item an Open311 client knows by `service_code`; nullptr when none has it.
  const v1::CatalogueItem* FindByServiceCode(absl::string_view service_code) const;

  // The whole chain above a grid; nullopt for an unknown grid.
  std::optional<GridChain> ChainOfGrid(absl::string_view grid_code) const;
  // Children in file order; empty for an unknown code.
  absl::Span<const v1::Grid* const> GridsOfCommunity(absl::string_view community_code) const;
  absl::Span<const v1::Community* const> CommunitiesOfTownship(absl::string_view township_code) const;
  absl::Span<const v1::Township* const> TownshipsOfCounty(absl::string_view county_code) const;
  // Department stations at a township (e.g. its police station); empty when it has none.
  absl::Span<const v1::Department* const> StationsOfTownship(absl::string_view township_code) const;
  const google::protobuf::RepeatedPtrField<v1::CatalogueItem>& Catalogue() const { return registry_.catalogue(); }

  // LEVEL_COUNTY … LEVEL_GRID for a unit of the registry, LEVEL_DEPARTMENT for a department, LEVEL_UNSPECIFIED else.
  v1::Level LevelOfUnit(absl::string_view unit_code) const;
  // True when `unit_code` is `ancestor_code` or lies below it (grid within its community, township and county); both
  // must be administrative units of the registry.
  bool IsWithin(absl::string_view unit_code, absl::string_view ancestor_code) const;
  // The grids a person serves in, in file order; empty for an unknown person.
  absl::Span<const GridAssignment> AssignmentsOf(absl::string_view person_id) const;
  // Grid-level gazetteer names of a grid; empty when it has none or is unknown.
  absl::Span<const std::string> GridPlaceNamesOf(absl::string_view grid_code) const;

  // 定位. The grid whose polygon contains the WGS-84 point, in microseconds; nullopt outside every grid or for
  // coordinates that are not finite degrees in range.
  std::optional<std::string> LocatePoint(double lat, double lng) const;
  // Places an address through the gazetteer: kGazetteerGrid, kGazetteerCommunity or kNone.
  Location LocateAddress(absl::string_view address) const;
  // Places a request: by its point when that lies in a grid (kPolygon), else by its address. `point` may be null (no
  // coordinates); a point that is not finite degrees in range is treated as absent. A point in no grid sets
  // outside_county whatever the address gives.
  Location Locate(const v1::GeoPoint* point, absl::string_view address) const;

 private:
  OrgRegistry();

  absl::Status Index(GridPlaceNames grid_place_names);
  void FillChain(absl::string_view community_code, Location* location) const;

  v1::Registry registry_;
  std::unique_ptr<GridIndex> grid_index_;
  Gazetteer gazetteer_;

  absl::flat_hash_map<std::string, int> counties_;
  absl::flat_hash_map<std::string, int> townships_;
  absl::flat_hash_map<std::string, int> communities_;
  absl::flat_hash_map<std::string, int> grids_;
  absl::flat_hash_map<std::string, int> departments_;
  absl::flat_hash_map<std::string, int> catalogue_;
  absl::flat_hash_map<std::string, int> service_codes_;
  absl::flat_hash_map<std::string, std::vector<const v1::Grid*>> grids_of_community_;
  absl::flat_hash_map<std::string, std::vector<const v1::Community*>> communities_of_township_;
  absl::flat_hash_map<std::string, std::vector<const v1::Township*>> townships_of_county_;
  absl::flat_hash_map<std::string, std::vector<const v1::Department*>> stations_of_township_;
  absl::flat_hash_map<std::string, std::vector<GridAssignment>> assignments_;
  GridPlaceNames grid_place_names_;  // Parallel to registry_.grids(); empty when there are none.
};

}  // namespace gridcase::registry
