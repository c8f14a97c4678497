#include "libs/registry/grid_index.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "s2/s1angle.h"
#include "s2/s2contains_point_query.h"
#include "s2/s2earth.h"
#include "s2/s2error.h"
#include "s2/s2latlng.h"
#include "s2/s2latlng_rect.h"
#include "s2/s2loop.h"

namespace gridcase::registry {
namespace {

bool ValidLatLng(double lat, double lng) {
  return std::isfinite(lat) && std::isfinite(lng) && lat >= -90.0 && lat <= 90.0 && lng >= -180.0 && lng <= 180.0;
}

// Checks one grid's ring, normalises it in place (closing vertex dropped, counter-clockwise) and returns its polygon.
absl::StatusOr<std::unique_ptr<S2Polygon>> BuildPolygon(const std::string& field,
                                                        google::protobuf::RepeatedPtrField<v1::GeoPoint>* ring) {
  for (int i = 0; i < ring->size(); ++i) {
    const v1::GeoPoint& p = ring->Get(i);
    if (!std::isfinite(p.lat()) || p.lat() < -90.0 || p.lat() > 90.0) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: latitude ", p.lat(), " is out of range"));
    }
    if (!std::isfinite(p.lng()) || p.lng() < -180.0 || p.lng() > 180.0) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: longitude ", p.lng(), " is out of range"));
    }
  }
  if (ring->size() >= 2) {
    const v1::GeoPoint& first = ring->Get(0);
    const v1::GeoPoint& last = ring->Get(ring->size() - 1);
    if (first.lat() == last.lat() && first.lng() == last.lng()) ring->RemoveLast();
  }
  if (ring->size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": needs at least 3 vertices (has ", ring->size(), " distinct)"));
  }
  std::vector<S2Point> vertices;
  vertices.reserve(ring->size());
  for (int i = 0; i < ring->size(); ++i) {
    const v1::GeoPoint& p = ring->Get(i);
    S2Point point = S2LatLng::FromDegrees(p.lat(), p.lng()).ToPoint();
    if (!vertices.empty() && point == vertices.back()) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: repeats the previous vertex"));
    }
    vertices.push_back(point);
  }
  auto loop = std::make_unique<S2Loop>(vertices, S2Debug::DISABLE);
  S2Error error;
  if (loop->FindValidationError(&error)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", error.text()));
  }
  if (!loop->IsNormalized()) {
    // A clockwise ring describes everything outside it; the grid is the inside.
    loop->Invert();
    for (int i = 0, j = ring->size() - 1; i < j; ++i, --j) ring->SwapElements(i, j);
  }
  return std::make_unique<S2Polygon>(std::move(loop), S2Debug::DISABLE);
}

double SquareMetres(const S2Polygon& polygon) { return S2Earth::SteradiansToSquareMeters(polygon.GetArea()); }

}  // namespace

absl::StatusOr<std::unique_ptr<GridIndex>> GridIndex::Create(google::protobuf::RepeatedPtrField<v1::Grid>* grids) {
  std::unique_ptr<GridIndex> index(new GridIndex());
  index->polygons_.reserve(grids->size());
  std::vector<S2LatLngRect> bounds;
  bounds.reserve(grids->size());
  for (int i = 0; i < grids->size(); ++i) {
    absl::StatusOr<std::unique_ptr<S2Polygon>> polygon =
        BuildPolygon(absl::StrCat("grids[", i, "].polygon"), grids->Mutable(i)->mutable_polygon());
    if (!polygon.ok()) return polygon.status();
    bounds.push_back((*polygon)->GetRectBound());
    index->polygons_.push_back(*std::move(polygon));
  }

  // Sweep over the bounding rectangles in order of their southern edge; only pairs whose rectangles meet are
  // intersected exactly.
  std::vector<int> order(grids->size());
  for (int i = 0; i < grids->size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return bounds[a].lat_lo() < bounds[b].lat_lo(); });
  for (size_t x = 0; x < order.size(); ++x) {
    for (size_t y = x + 1; y < order.size(); ++y) {
      const int a = order[x];
      const int b = order[y];
      if (bounds[b].lat_lo() > bounds[a].lat_hi()) break;
      if (!bounds[a].Intersects(bounds[b])) continue;
      const S2Polygon& pa = *index->polygons_[a];
      const S2Polygon& pb = *index->polygons_[b];
      if (!pa.Intersects(pb)) continue;
      S2Polygon overlap;
      overlap.InitToIntersection(pa, pb);
      const double area = SquareMetres(overlap);
      const double tolerance = std::max(kOverlapToleranceSquareMetres,
                                        kOverlapToleranceFraction * std::min(SquareMetres(pa), SquareMetres(pb)));
      if (area > tolerance) {
        const int later = std::max(a, b);
        const int earlier = std::min(a, b);
        return absl::InvalidArgumentError(absl::StrFormat("grids[%d].polygon: overlaps grids[%d] (%s) by %.0f m²",
                                                          later, earlier, grids->Get(earlier).code(), area));
      }
    }
  }

  for (const std::unique_ptr<S2Polygon>& polygon : index->polygons_) {
    index->index_.Add(std::make_unique<S2Polygon::Shape>(polygon.get()));
  }
  index->index_.ForceBuild();
  return index;
}

std::optional<int> GridIndex::Locate(double lat, double lng) const {
  if (!ValidLatLng(lat, lng)) return std::nullopt;
  const S2Point point = S2LatLng::FromDegrees(lat, lng).ToPoint();
  auto query = MakeS2ContainsPointQuery(&index_);
  std::optional<int> found;
  query.VisitContainingShapes(point, [&found](S2Shape* shape) {
    if (!found.has_value() || shape->id() < *found) found = shape->id();
    return true;
  });
  return found;
}

double GridIndex::AreaSquareMetres(int position) const { return SquareMetres(*polygons_.at(position)); }

}  // namespace gridcase::registry
