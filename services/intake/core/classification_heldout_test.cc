// Measures the shipped classifier on the held-aside labelled requests (services/intake/testdata/
// classification-heldout.tsv): requests written apart from the examples it learned from and from the keyword
// rules, never used to adjust either. It asserts the targets: items >= 90%, categories >= 85%, emergency
// recall 100% with precision >= 80%.
#include "services/intake/core/classification_eval_testing.h"

namespace gridcase::intake::testing {
namespace {

using ClassificationHeldAsideTest = ShippedClassifierTest;

TEST_F(ClassificationHeldAsideTest, MeetsTheTargets) {
  auto requests = LoadLabelledRequests(
      registry::testing::SourceDir() + "/services/intake/testdata/classification-heldout.tsv", registry_.get());
  ASSERT_TRUE(requests.ok()) << requests.status();
  Agreement held = Measure("heldout", *classifier_, *registry_, *requests);
  ASSERT_GE(held.requests, 100);
  EXPECT_GE(held.ItemRate(), kItemTarget) << held.Summary();
  EXPECT_GE(held.CategoryRate(), kCategoryTarget) << held.Summary();
  EXPECT_EQ(held.EmergencyRecall(), 1.0) << held.Summary();
  EXPECT_GE(held.EmergencyPrecision(), kEmergencyPrecisionTarget) << held.Summary();
}

}  // namespace
}  // namespace gridcase::intake::testing
