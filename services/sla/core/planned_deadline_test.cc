#include "services/sla/core/planned_deadline.h"

#include "gtest/gtest.h"
#include "services/sla/core/test_util.h"

namespace gridcase::sla {
namespace {

using ::gridcase::sla::testing::Beijing;
using ::gridcase::sla::testing::Calendar2026;

TEST(PlannedDeadlineTest, CompletionDueFromPolicyAndCalendar) {
  const SlaPolicy policy = DefaultSlaPolicy();
  struct Case {
    v1::Category category;
    bool emergency;
    absl::Time submitted;
    absl::Time due;
    bool fallback;
  };
  for (const Case& c : {
           // 3 working days, day 0 not counted.
           Case{v1::CATEGORY_GENERAL, false, Beijing(2026, 3, 10, 10, 0), Beijing(2026, 3, 13, 17, 30), false},
           // Before 春节: day 0 is the make-up Saturday, then the holiday.
           Case{v1::CATEGORY_GENERAL, false, Beijing(2026, 2, 13, 18, 0), Beijing(2026, 2, 26, 17, 30), false},
           Case{v1::CATEGORY_DIFFICULT, false, Beijing(2026, 2, 13, 10, 0), Beijing(2026, 3, 12, 17, 30), false},
           // Emergency: 240 calendar minutes whatever the category, holidays included.
           Case{v1::CATEGORY_SIMPLE, true, Beijing(2026, 10, 1, 22, 0), Beijing(2026, 10, 2, 2, 0), false},
           Case{v1::CATEGORY_UNSPECIFIED, true, Beijing(2026, 10, 1, 22, 0), Beijing(2026, 10, 2, 2, 0), false},
           // No 2031 arrangement: Monday–Friday, flagged.
           Case{v1::CATEGORY_SIMPLE, false, Beijing(2031, 1, 1, 10, 0), Beijing(2031, 1, 2, 17, 30), true},
       }) {
    SCOPED_TRACE(absl::StrCat(v1::Category_Name(c.category), " ", absl::FormatTime(c.submitted)));
    absl::StatusOr<PlannedDeadline> planned =
        PlannedCompletionDue(policy, Calendar2026(), c.category, c.emergency, c.submitted);
    ASSERT_TRUE(planned.ok()) << planned.status();
    EXPECT_EQ(planned->due, c.due);
    EXPECT_EQ(planned->used_fallback, c.fallback);
  }
}

TEST(PlannedDeadlineTest, RefusesWhatThePolicyDoesNotCover) {
  const SlaPolicy policy = DefaultSlaPolicy();
  EXPECT_EQ(PlannedCompletionDue(policy, Calendar2026(), v1::CATEGORY_UNSPECIFIED, false, Beijing(2026, 3, 10, 10, 0))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      PlannedCompletionDue(policy, Calendar2026(), v1::CATEGORY_GENERAL, false, absl::InfiniteFuture()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gridcase::sla
