// Measures the shipped classifier on the held-aside labelled requests (services/intake/testdata/
// classification-heldout.tsv, Y001-Y300): written apart from the examples it learned from and from the keyword
// rules, by someone who saw only the catalogue's item list and the labelling guide (docs/LABELLING.md), and measured
// once, after the model and rules were finished.
//
// It fails below the targets (items >= 90%, categories >= 85%, emergency recall 100% with precision >= 80%)
// and below the figures of the set's one measurement (docs/CLASSIFICATION.md, "Measured"), so that no change makes
// fresh requests fare worse.
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
  EXPECT_TRUE(met) << held.Summary();
  // Measured once, when the set was added: items 280/300, categories 277/300, emergency recall 67/67,
  // precision 67/81.
  EXPECT_GE(held.ItemRate(), 280.0 / 300) << held.Summary();
  EXPECT_GE(held.CategoryRate(), 277.0 / 300) << held.Summary();
  EXPECT_EQ(held.EmergencyRecall(), 1.0) << held.Summary();
  EXPECT_GE(held.EmergencyPrecision(), 67.0 / 81 - 1e-9) << held.Summary();
}

}  // namespace
}  // namespace gridcase::intake::testing
