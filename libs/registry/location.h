#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::registry {

// How a request was placed on the map.
enum class LocateMethod {
  kNone,                // Not placed: the request waits for a grid worker to choose the grid.
  kPolygon,             // Its coordinates fall inside a grid polygon.
  kGazetteerGrid,       // Its address names a place inside one grid.
  kGazetteerCommunity,  // Its address names a community only; the grid must be chosen by hand.
};

// "none", "polygon", "gazetteer_grid", "gazetteer_community".
absl::string_view LocateMethodName(LocateMethod method);

// Where the locator placed a request (定位). Codes are those of the registry; each is empty when not known. A request
// that cannot be placed is still a valid result (method kNone): callers flag it for manual grid choice, never drop it.
struct Location {
  std::string grid_code;  // 一格一码
  std::string community_code;
  std::string township_code;
  std::string county_code;
  LocateMethod method = LocateMethod::kNone;
  // The request came with coordinates that lie in no grid of the registry: outside the county, or in a hole of its
  // grid map. The codes, if any, then come from the address.
  bool outside_county = false;
  // The gazetteer name that placed the request (kGazetteerGrid, kGazetteerCommunity), as registered.
  std::string matched_name;

  bool needs_manual_grid() const { return grid_code.empty(); }

  // Writes the codes and needs_manual_grid into a case's location; leaves its point and address as they are.
  void ApplyTo(v1::Location* location) const;
};

}  // namespace gridcase::registry
