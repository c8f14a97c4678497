#include "services/audit/core/projection_check.h"

#include "gtest/gtest.h"

namespace gridcase::audit {
namespace {

TEST(ProjectionCheckTest, EqualVersionsAndNoDifferencesAreClean) {
  ProjectionFindings f = CheckProjections({{"GC-1", 3}, {"GC-2", 1}}, {{"GC-1", 3}, {"GC-2", 1}}, {}, {});
  EXPECT_TRUE(f.stuck.empty());
  EXPECT_TRUE(f.ahead.empty());
  EXPECT_TRUE(f.parked.empty());
  EXPECT_TRUE(f.differences.empty());
}

TEST(ProjectionCheckTest, ACaseBehindTheLogIsStuckUnlessParked) {
  ProjectionFindings f = CheckProjections({{"GC-1", 5}, {"GC-2", 4}, {"GC-3", 2}}, {{"GC-1", 3}, {"GC-2", 2}},
                                          {"GC-2"}, {"case view of GC-1", "case view of GC-2", "timeline of GC-2"});
  ASSERT_EQ(f.stuck.size(), 2u);
  EXPECT_EQ(f.stuck[0].case_id, "GC-1");
  EXPECT_EQ(f.stuck[0].projected, 3);
  EXPECT_EQ(f.stuck[0].logged, 5);
  EXPECT_EQ(f.stuck[1].case_id, "GC-3");  // Not projected at all.
  EXPECT_EQ(f.stuck[1].projected, 0);
  ASSERT_EQ(f.parked.size(), 1u);
  EXPECT_EQ(f.parked[0].case_id, "GC-2");
  // The parked case's own differences are expected; the others are reported.
  EXPECT_EQ(f.differences, (std::vector<std::string>{"case view of GC-1"}));
}

TEST(ProjectionCheckTest, AProjectionPastTheLogOrWithoutOneIsAhead) {
  ProjectionFindings f = CheckProjections({{"GC-1", 2}}, {{"GC-1", 3}, {"GC-9", 1}}, {}, {"the case index differs"});
  ASSERT_EQ(f.ahead.size(), 2u);
  EXPECT_EQ(f.ahead[0].case_id, "GC-1");
  EXPECT_EQ(f.ahead[1].case_id, "GC-9");
  EXPECT_EQ(f.ahead[1].logged, 0);
  EXPECT_EQ(f.differences.size(), 1u);
}

TEST(ProjectionCheckTest, ParkedIdsAreMatchedExactly) {
  // GC-1 parked must not hide the differences of GC-10.
  ProjectionFindings f = CheckProjections({{"GC-10", 2}}, {{"GC-10", 2}}, {"GC-1"}, {"timeline of GC-10"});
  EXPECT_EQ(f.differences.size(), 1u);
  ASSERT_EQ(f.parked.size(), 1u);
  EXPECT_EQ(f.parked[0].case_id, "GC-1");
}

}  // namespace
}  // namespace gridcase::audit
