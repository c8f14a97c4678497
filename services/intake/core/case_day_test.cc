#include "services/intake/core/case_day.h"

#include "gtest/gtest.h"

namespace gridcase::intake {
namespace {

TEST(ShanghaiDayStartTest, IsMidnightInShanghai) {
  auto start = ShanghaiDayStart("20261130");
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_EQ(*start, absl::FromUnixSeconds(1795996800) - absl::Hours(8));  // 2026-11-30T00:00:00+08:00
}

TEST(ShanghaiDayTest, TurnsAtMidnightInShanghai) {
  absl::Time midnight = absl::FromUnixSeconds(1795996800) - absl::Hours(8);
  EXPECT_EQ(ShanghaiDay(midnight), "20261130");
  EXPECT_EQ(ShanghaiDay(midnight - absl::Seconds(1)), "20261129");
}

TEST(ShanghaiDayStartTest, RefusesWhatIsNotADay) {
  for (const char* bad : {"", "2026113", "202611300", "2026-11-", "20261131", "20261300", "2026113x"}) {
    EXPECT_EQ(ShanghaiDayStart(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace gridcase::intake
