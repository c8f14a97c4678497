#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace gridcase::registry {

// 地名库: the address gazetteer. Places a free-text address on a grid or a community through the names it contains —
// community names, compounds (小区/苑/花园), buildings (幢), landmarks (菜市场, 小学) and grid names.
//
// Matching: every registered name found in the normalised address is a match; a match lying inside a longer one is
// dropped ("翠苑" inside "翠苑一区3幢"). Matches are then tried longest first (earlier first on a tie). A name
// registered in several communities (e.g. a village name used twice) is narrowed by the other matches — community names
// and area names (townships) — and skipped when that does not leave exactly one community. The first match that names
// one community decides: its grid when the name lies in one grid of that community (or the community has a single
// grid), else the community alone.
//
// Built once, then read-only: concurrent calls to Find are safe.
class Gazetteer {
 public:
  enum class Precision { kNone, kGrid, kCommunity };

  struct Result {
    Precision precision = Precision::kNone;
    std::string community_code;  // Set unless precision is kNone.
    std::string grid_code;       // Set when precision is kGrid.
    std::string matched_name;    // The registered name that decided, as registered.
  };

  // Names shorter than kMinNameChars characters (after normalisation) are not registered: too many addresses
  // contain them by accident.
  static constexpr size_t kMinNameChars = 2;

  // A name of the community as a whole: its own name, a compound that spans several grids.
  void AddCommunityName(absl::string_view name, absl::string_view community_code);
  // A name that lies inside one grid: a building, a landmark, the grid's own name. The same name in two grids of one
  // community places only the community.
  void AddGridName(absl::string_view name, absl::string_view community_code, absl::string_view grid_code);
  // A name that covers several communities and only narrows the search (a township or street name).
  void AddAreaName(absl::string_view name, absl::Span<const std::string> community_codes);
  // Declares that `community_code` has exactly one grid, so naming the community places the grid.
  void SetSoleGrid(absl::string_view community_code, absl::string_view grid_code);

  Result Find(absl::string_view address) const;

  // Number of distinct registered names.
  size_t size() const { return names_.size(); }

 private:
  struct Entry {
    std::string name;  // As first registered.
    // Community → the grid the name lies in, or empty when the name covers more than one grid of the community.
    absl::flat_hash_map<std::string, std::string> places;
    absl::flat_hash_set<std::string> areas;  // Communities named only as part of an area name.
  };

  Entry* EntryFor(absl::string_view name);

  absl::flat_hash_map<std::string, Entry> names_;  // Keyed by normalised name.
  absl::flat_hash_map<std::string, std::string> sole_grid_;
  size_t max_name_bytes_ = 0;
};

// The form addresses and names are compared in: whitespace (ASCII, U+3000, U+00A0) removed, full-width ASCII
// (ＡＢＣ１２３) made half-width, ASCII letters lower-cased, and the building words 栋 and 号楼 written 幢. Bytes that
// are not valid UTF-8 pass through unchanged.
std::string NormalizePlaceText(absl::string_view text);

}  // namespace gridcase::registry
