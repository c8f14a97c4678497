// Measures the classifier with the sample county's catalogue and the shipped rules against the labelled requests:
// the tuning part (rules and catalogue were adjusted while looking at it) and the held-aside part (never used to
// adjust them). Both print their agreement and ten worst mistakes with why.
//
// Targets: items >= 90%, categories >= 85%, emergency recall 100% with precision >= 80%. The tuning part must meet
// them. The held-aside part does not yet (docs/CLASSIFICATION.md, "Measured"); its test fails below the
// figures it reached when last measured, so that no change makes fresh requests fare worse, and prints whether
// the targets are met.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/test_registry.h"
#include "services/intake/core/classification_eval.h"

namespace gridcase::intake {
namespace {

constexpr double kItemTarget = 0.90;
constexpr double kCategoryTarget = 0.85;
constexpr double kEmergencyPrecisionTarget = 0.80;

// GRIDCASE_EVAL_WORST=N shows the N worst mistakes instead of ten.
size_t WorstToShow() {
  const char* n = std::getenv("GRIDCASE_EVAL_WORST");
  return n == nullptr ? 10 : static_cast<size_t>(std::atoi(n));
}

class ClassificationEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string root = registry::testing::SourceDir();
    auto registry = registry::LoadRegistry(registry::testing::SampleRegistryPath());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    auto rules = ClassificationRules::Load(root + "/services/intake/classification-rules.json");
    ASSERT_TRUE(rules.ok()) << rules.status();
    classifier_ = std::make_unique<Classifier>(*std::move(rules));
  }

  Agreement Measure(const std::string& part) {
    auto requests = LoadLabelledRequests(
        registry::testing::SourceDir() + "/services/intake/testdata/classification-" + part + ".tsv", registry_.get());
    EXPECT_TRUE(requests.ok()) << requests.status();
    if (!requests.ok()) return {};
    requests_.push_back(*std::move(requests));
    // Classifying the part several times gives a stable per-request cost (printed, not asserted: machines vary).
    constexpr int kRounds = 5;
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Agreement> agreement;
    for (int round = 0; round < kRounds; ++round) agreement = Evaluate(*classifier_, *registry_, requests_.back());
    const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(agreement.ok()) << agreement.status();
    if (!agreement.ok()) return {};
    std::cout << "[" << part << "] " << elapsed.count() / (kRounds * requests_.back().size())
              << " µs per request classified\n";
    std::cout << "[" << part << "] " << agreement->requests << " requests: " << agreement->Summary() << "\n"
              << "[" << part << "] ten worst:\n"
              << agreement->Worst(WorstToShow()) << std::flush;
    return *std::move(agreement);
  }

  std::shared_ptr<const registry::OrgRegistry> registry_;
  std::unique_ptr<Classifier> classifier_;
  std::vector<std::vector<LabelledRequest>> requests_;
};

bool MeetsTargets(const Agreement& a) {
  return a.ItemRate() >= kItemTarget && a.CategoryRate() >= kCategoryTarget && a.EmergencyRecall() == 1.0 &&
         a.EmergencyPrecision() >= kEmergencyPrecisionTarget;
}

TEST_F(ClassificationEvalTest, TuningPartMeetsTheTargets) {
  Agreement tuning = Measure("tuning");
  ASSERT_GE(tuning.requests, 300);
  EXPECT_GE(tuning.ItemRate(), kItemTarget) << tuning.Summary();
  EXPECT_GE(tuning.CategoryRate(), kCategoryTarget) << tuning.Summary();
  EXPECT_EQ(tuning.EmergencyRecall(), 1.0) << tuning.Summary();
  EXPECT_GE(tuning.EmergencyPrecision(), kEmergencyPrecisionTarget) << tuning.Summary();
}

TEST_F(ClassificationEvalTest, HeldAsidePartDoesNotFallBelowItsLastMeasurement) {
  Agreement held = Measure("heldout");
  ASSERT_GE(held.requests, 100);
  std::cout << "[heldout] targets (items >= 90%, categories >= 85%, emergency recall 100%, precision >= 80%): "
            << (MeetsTargets(held) ? "met" : "NOT met") << "\n";
  // Measured once after the second round of tuning (danger families, 475 tuning requests): items 85/120,
  // categories 97/120, emergency recall 23/24, precision 23/24. The first measurement, before that round, was
  // items 85/120, categories 97/120, recall 15/24, precision 15/17.
  EXPECT_GE(held.ItemRate(), 85.0 / 120) << held.Summary();
  EXPECT_GE(held.CategoryRate(), 97.0 / 120) << held.Summary();
  EXPECT_GE(held.EmergencyRecall(), 23.0 / 24) << held.Summary();
  EXPECT_GE(held.EmergencyPrecision(), 23.0 / 24) << held.Summary();
}

}  // namespace
}  // namespace gridcase::intake
