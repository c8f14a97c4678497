#include "libs/registry/grid_index.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace gridcase::registry {
namespace {

using Ring = std::vector<std::pair<double, double>>;

Ring Rect(double lat_lo, double lng_lo, double lat_hi, double lng_hi) {
  return {{lat_lo, lng_lo}, {lat_lo, lng_hi}, {lat_hi, lng_hi}, {lat_hi, lng_lo}};
}

google::protobuf::RepeatedPtrField<v1::Grid> Grids(const std::vector<Ring>& rings) {
  google::protobuf::RepeatedPtrField<v1::Grid> grids;
  int serial = 1;
  for (const Ring& ring : rings) {
    v1::Grid* grid = grids.Add();
    grid->set_code(std::to_string(serial++));
    for (const auto& [lat, lng] : ring) {
      v1::GeoPoint* point = grid->add_polygon();
      point->set_lat(lat);
      point->set_lng(lng);
    }
  }
  return grids;
}

absl::StatusOr<std::unique_ptr<GridIndex>> Build(const std::vector<Ring>& rings) {
  google::protobuf::RepeatedPtrField<v1::Grid> grids = Grids(rings);
  return GridIndex::Create(&grids);
}

std::string ErrorOf(const std::vector<Ring>& rings) {
  absl::StatusOr<std::unique_ptr<GridIndex>> index = Build(rings);
  EXPECT_FALSE(index.ok());
  return index.ok() ? "" : std::string(index.status().message());
}

TEST(GridIndexTest, LocatesPointsInTheirGrid) {
  auto index = Build({Rect(30.30, 120.10, 30.31, 120.11), Rect(30.30, 120.11, 30.31, 120.12)});
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->Locate(30.305, 120.105), 0);
  EXPECT_EQ((*index)->Locate(30.305, 120.115), 1);
  // About 5 m inside the shared edge, on either side.
  EXPECT_EQ((*index)->Locate(30.305, 120.10995), 0);
  EXPECT_EQ((*index)->Locate(30.305, 120.11005), 1);
  EXPECT_EQ((*index)->Locate(30.30005, 120.10005), 0);
  EXPECT_FALSE((*index)->Locate(30.32, 120.105).has_value());
  EXPECT_FALSE((*index)->Locate(30.305, 120.09995).has_value());
}

TEST(GridIndexTest, PointOnASharedEdgeFallsInOneOfTheGrids) {
  // Semi-open boundaries: no point of a shared edge is lost in a crack between the grids.
  auto index = Build({Rect(30.30, 120.10, 30.31, 120.11), Rect(30.30, 120.11, 30.31, 120.12)});
  ASSERT_TRUE(index.ok()) << index.status();
  for (double lat : {30.301, 30.305, 30.3099}) {
    std::optional<int> at = (*index)->Locate(lat, 120.11);
    ASSERT_TRUE(at.has_value()) << lat;
    EXPECT_TRUE(*at == 0 || *at == 1);
  }
}

TEST(GridIndexTest, RejectsCoordinatesThatAreNotDegrees) {
  auto index = Build({Rect(30.30, 120.10, 30.31, 120.11)});
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_FALSE((*index)->Locate(std::numeric_limits<double>::quiet_NaN(), 120.105).has_value());
  EXPECT_FALSE((*index)->Locate(30.305, std::numeric_limits<double>::infinity()).has_value());
  EXPECT_FALSE((*index)->Locate(120.105, 30.305).has_value());  // Swapped: latitude out of range.
}

TEST(GridIndexTest, ClockwiseRingsAreReversedAndClosingVertexDropped) {
  Ring clockwise = {{30.30, 120.10}, {30.31, 120.10}, {30.31, 120.11}, {30.30, 120.11}, {30.30, 120.10}};
  google::protobuf::RepeatedPtrField<v1::Grid> grids = Grids({clockwise});
  auto index = GridIndex::Create(&grids);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->Locate(30.305, 120.105), 0);
  EXPECT_FALSE((*index)->Locate(30.40, 120.30).has_value());
  // About 1.07 km² (0.01° × 0.01° at latitude 30), not the rest of the Earth.
  EXPECT_NEAR((*index)->AreaSquareMetres(0), 1.07e6, 0.02e6);
  ASSERT_EQ(grids.Get(0).polygon_size(), 4);
  // Stored counter-clockwise: south-west, south-east, north-east, north-west.
  EXPECT_DOUBLE_EQ(grids.Get(0).polygon(0).lat(), 30.30);
  EXPECT_DOUBLE_EQ(grids.Get(0).polygon(0).lng(), 120.11);
  EXPECT_DOUBLE_EQ(grids.Get(0).polygon(1).lat(), 30.31);
  EXPECT_DOUBLE_EQ(grids.Get(0).polygon(1).lng(), 120.11);
}

TEST(GridIndexTest, RejectsBadRings) {
  EXPECT_EQ(ErrorOf({Rect(30.30, 120.10, 30.31, 120.11), {{30.30, 120.10}, {30.31, 120.11}}}),
            "grids[1].polygon: needs at least 3 vertices (has 2 distinct)");
  EXPECT_EQ(ErrorOf({{{30.30, 120.10}, {30.31, 120.11}, {30.30, 120.10}}}),
            "grids[0].polygon: needs at least 3 vertices (has 2 distinct)");
  EXPECT_EQ(ErrorOf({{{30.30, 120.10}, {95.0, 120.11}, {30.31, 120.11}}}),
            "grids[0].polygon[1]: latitude 95 is out of range");
  EXPECT_EQ(ErrorOf({{{30.30, 120.10}, {30.30, 190.0}, {30.31, 120.11}}}),
            "grids[0].polygon[1]: longitude 190 is out of range");
  EXPECT_EQ(ErrorOf({{{30.30, 120.10}, {30.30, 120.11}, {30.30, 120.11}, {30.31, 120.11}}}),
            "grids[0].polygon[2]: repeats the previous vertex");
  // A bow tie: its edges cross.
  std::string bow_tie = ErrorOf({{{30.30, 120.10}, {30.31, 120.11}, {30.30, 120.11}, {30.31, 120.10}}});
  EXPECT_EQ(bow_tie.rfind("grids[0].polygon: ", 0), 0u) << bow_tie;
  EXPECT_NE(bow_tie.find("cross"), std::string::npos) << bow_tie;
}

TEST(GridIndexTest, RejectsOverlappingGrids) {
  std::string error = ErrorOf(
      {Rect(30.30, 120.10, 30.31, 120.11), Rect(30.30, 120.11, 30.31, 120.12), Rect(30.305, 120.105, 30.315, 120.115)});
  EXPECT_EQ(error.rfind("grids[2].polygon: overlaps grids[0] (1) by ", 0), 0u) << error;
  // The same grid twice.
  error = ErrorOf({Rect(30.30, 120.10, 30.31, 120.11), Rect(30.30, 120.10, 30.31, 120.11)});
  EXPECT_EQ(error.rfind("grids[1].polygon: overlaps grids[0] (1)", 0), 0u) << error;
  // One grid inside another.
  error = ErrorOf({Rect(30.30, 120.10, 30.31, 120.11), Rect(30.302, 120.102, 30.304, 120.104)});
  EXPECT_EQ(error.rfind("grids[1].polygon: overlaps grids[0] (1)", 0), 0u) << error;
}

TEST(GridIndexTest, ToleratesSliversWhereBoundariesUseDifferentVertices) {
  // The upper grid's south edge ends half-way along the lower grid's north edge: along a parallel the geodesic edges
  // differ by centimetres, leaving a sliver of a few square metres.
  auto index = Build({Rect(30.30, 120.10, 30.31, 120.11), Rect(30.31, 120.10, 30.32, 120.105)});
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->Locate(30.315, 120.102), 1);
  EXPECT_EQ((*index)->Locate(30.305, 120.102), 0);
}

}  // namespace
}  // namespace gridcase::registry
