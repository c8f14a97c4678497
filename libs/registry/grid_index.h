#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "gridcase/v1/org.pb.h"
#include "s2/mutable_s2shape_index.h"
#include "s2/s2polygon.h"

namespace gridcase::registry {

// Two grid polygons overlap when their intersection is larger than both of these: boundaries digitised with different
// vertices (or straight lat/lng lines against S2's geodesic edges) leave slivers far below them, while a grid drawn
// over its neighbour does not.
inline constexpr double kOverlapToleranceSquareMetres = 100.0;
inline constexpr double kOverlapToleranceFraction = 0.001;  // Of the smaller grid's area.

// Point-in-polygon index over the polygons of a registry's grids: one S2 shape index built once, so that locating a
// point is a few cell lookups (microseconds) whatever the number of grids. Immutable after Create; concurrent calls to
// the const methods are safe.
class GridIndex {
 public:
  // Validates every grid's polygon and indexes it. Errors are INVALID_ARGUMENT naming the field, e.g.
  // "grids[17].polygon: needs at least 3 vertices", "grids[4].polygon[2]: latitude 95 is out of range",
  // "grids[9].polygon: Edge 0 crosses edge 2", "grids[12].polygon: overlaps grids[11] (<code>) by 5230 m²".
  //
  // Rewrites each polygon into the stored form the proto promises: a last vertex equal to the first (a closed ring,
  // as GeoJSON writes it) is dropped, and a clockwise ring is reversed to counter-clockwise.
  static absl::StatusOr<std::unique_ptr<GridIndex>> Create(google::protobuf::RepeatedPtrField<v1::Grid>* grids);

  GridIndex(const GridIndex&) = delete;
  GridIndex& operator=(const GridIndex&) = delete;

  // Position (in the grids given to Create) of the grid whose polygon contains the point, or nullopt when none does
  // or the coordinates are not finite WGS-84 degrees. Boundaries are semi-open, so a point on an edge shared by two
  // grids belongs to exactly one of them; where tolerated slivers overlap, the grid listed first wins.
  std::optional<int> Locate(double lat, double lng) const;

  // Area of grid `position`'s polygon on the WGS-84 sphere, in square metres.
  double AreaSquareMetres(int position) const;

  int size() const { return static_cast<int>(polygons_.size()); }

 private:
  GridIndex() = default;

  std::vector<std::unique_ptr<S2Polygon>> polygons_;
  MutableS2ShapeIndex index_;  // Shape id i is polygons_[i].
};

}  // namespace gridcase::registry
