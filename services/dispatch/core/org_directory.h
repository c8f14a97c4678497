#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/org.pb.h"

namespace gridcase::dispatch {

// Read-only view of the administrative hierarchy (grid → community → township → county), the departments and the
// dispatch catalogue (派单目录), as the case state machine needs it. Every lookup returns nullopt / false for an
// unknown code. Implementations must be safe for concurrent calls to the const methods.
class OrgDirectory {
 public:
  virtual ~OrgDirectory() = default;

  // Community that contains the grid.
  virtual std::optional<std::string> CommunityOfGrid(absl::string_view grid_code) const = 0;
  // Township (乡镇/街道) that contains the community.
  virtual std::optional<std::string> TownshipOfCommunity(absl::string_view community_code) const = 0;
  // County that contains the township.
  virtual std::optional<std::string> CountyOfTownship(absl::string_view township_code) const = 0;
  virtual bool DepartmentExists(absl::string_view department_code) const = 0;
  // Department that handles the catalogue item; nullopt when the item is unknown.
  virtual std::optional<std::string> DepartmentOfCatalogueItem(absl::string_view catalogue_item) const = 0;

  // Township of the grid's community, when both links are known.
  std::optional<std::string> TownshipOfGrid(absl::string_view grid_code) const;
};

// OrgDirectory over an in-memory copy of a Registry. Immutable after Create, so concurrent reads are safe.
class InMemoryOrgDirectory final : public OrgDirectory {
 public:
  // Rejects (INVALID_ARGUMENT) empty or repeated codes and links to units or departments missing from the registry.
  static absl::StatusOr<InMemoryOrgDirectory> Create(const v1::Registry& registry);

  std::optional<std::string> CommunityOfGrid(absl::string_view grid_code) const override;
  std::optional<std::string> TownshipOfCommunity(absl::string_view community_code) const override;
  std::optional<std::string> CountyOfTownship(absl::string_view township_code) const override;
  bool DepartmentExists(absl::string_view department_code) const override;
  std::optional<std::string> DepartmentOfCatalogueItem(absl::string_view catalogue_item) const override;

 private:
  InMemoryOrgDirectory() = default;

  absl::flat_hash_map<std::string, std::string> grid_community_;
  absl::flat_hash_map<std::string, std::string> community_township_;
  absl::flat_hash_map<std::string, std::string> township_county_;
  absl::flat_hash_set<std::string> departments_;
  absl::flat_hash_map<std::string, std::string> catalogue_department_;
};

// OrgDirectory whose contents are replaced while it is being read (the registry reloaded without a restart). Each
// lookup reads one whole directory; TownshipOfGrid's two lookups may straddle a replacement, which only matters for a
// unit whose link the new registry changed.
class ReplaceableOrgDirectory final : public OrgDirectory {
 public:
  explicit ReplaceableOrgDirectory(InMemoryOrgDirectory initial);

  // Makes `next` current; concurrent lookups finish on the directory they started with.
  void Replace(InMemoryOrgDirectory next);

  std::optional<std::string> CommunityOfGrid(absl::string_view grid_code) const override;
  std::optional<std::string> TownshipOfCommunity(absl::string_view community_code) const override;
  std::optional<std::string> CountyOfTownship(absl::string_view township_code) const override;
  bool DepartmentExists(absl::string_view department_code) const override;
  std::optional<std::string> DepartmentOfCatalogueItem(absl::string_view catalogue_item) const override;

 private:
  std::shared_ptr<const InMemoryOrgDirectory> current() const { return current_.load(std::memory_order_acquire); }

  std::atomic<std::shared_ptr<const InMemoryOrgDirectory>> current_;
};

}  // namespace gridcase::dispatch
