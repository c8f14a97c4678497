// Measures the shipped classifier on the held-aside labelled requests (services/intake/testdata/
// classification-heldout.tsv, X001-X300): written apart from the examples it learned from and from the keyword
// rules, by someone who saw only the catalogue's item list and the labelling guide (docs/LABELLING.md), and measured
// once, after the model and rules were finished.
//
// It prints whether the targets are met (items >= 90%, categories >= 85%, emergency recall 100% with
// precision >= 80%) and fails below the figures of the set's one measurement (docs/CLASSIFICATION.md, "Measured"),
// so that no change makes fresh requests fare worse.
#include <iostream>

#include "services/intake/core/classification_eval_testing.h"

namespace gridcase::intake::testing {
namespace {

using ClassificationHeldAsideTest = ShippedClassifierTest;

TEST_F(ClassificationHeldAsideTest, DoesNotFallBelowItsMeasurement) {
  auto requests = LoadLabelledRequests(
      registry::testing::SourceDir() + "/services/intake/testdata/classification-heldout.tsv", registry_.get());
  ASSERT_TRUE(requests.ok()) << requests.status();
  Agreement held = Measure("heldout", *classifier_, *registry_, *requests);
  ASSERT_GE(held.requests, 300);
  const bool met = held.ItemRate() >= kItemTarget && held.CategoryRate() >= kCategoryTarget &&
                   held.EmergencyRecall() == 1.0 && held.EmergencyPrecision() >= kEmergencyPrecisionTarget;
  std::cout << "[heldout] the issue's targets: " << (met ? "met" : "NOT met") << "\n";
  // Measured once, when the set was added: items 290/300, categories 280/300, emergency recall 65/66,
  // precision 65/81.
  EXPECT_GE(held.ItemRate(), 290.0 / 300) << held.Summary();
  EXPECT_GE(held.CategoryRate(), 280.0 / 300) << held.Summary();
  EXPECT_GE(held.EmergencyRecall(), 65.0 / 66) << held.Summary();
  EXPECT_GE(held.EmergencyPrecision(), 65.0 / 81 - 1e-9) << held.Summary();
}

}  // namespace
}  // namespace gridcase::intake::testing
