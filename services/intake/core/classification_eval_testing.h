#pragma once

// The classifier as intake runs it by default (the sample county's catalogue, the shipped rules and a model learned
// from the shipped examples), for the measurement tests.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/test_registry.h"
#include "services/intake/core/classification_eval.h"

namespace gridcase::intake::testing {

// The targets.
inline constexpr double kItemTarget = 0.90;
inline constexpr double kCategoryTarget = 0.85;
inline constexpr double kEmergencyPrecisionTarget = 0.80;

inline bool MeetsTargets(const Agreement& a) {
  return a.ItemRate() >= kItemTarget && a.CategoryRate() >= kCategoryTarget && a.EmergencyRecall() == 1.0 &&
         a.EmergencyPrecision() >= kEmergencyPrecisionTarget;
}

// GRIDCASE_EVAL_WORST=N shows the N worst mistakes instead of ten.
inline size_t WorstToShow() {
  const char* n = std::getenv("GRIDCASE_EVAL_WORST");
  return n == nullptr ? 10 : static_cast<size_t>(std::atoi(n));
}

class ShippedClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string root = registry::testing::SourceDir();
    auto registry = registry::LoadRegistry(registry::testing::SampleRegistryPath());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    auto rules = ClassificationRules::Load(root + "/services/intake/classification-rules.json");
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = *std::move(rules);
    auto examples = LoadLabelledRequests(root + "/services/intake/classification-examples.tsv", registry_.get());
    ASSERT_TRUE(examples.ok()) << examples.status();
    examples_ = *std::move(examples);
    const auto start = std::chrono::steady_clock::now();
    use_.model = std::make_shared<const ClassificationModel>(
        ClassificationModel::Train(examples_, registry_.get(), ClassificationModel::Options{}));
    training_ = std::chrono::steady_clock::now() - start;
    classifier_ = std::make_unique<Classifier>(rules_, use_);
  }

  // Classifies `requests` with `classifier` and prints the agreement, the cost per request and the worst mistakes.
  static Agreement Measure(const std::string& part, const Classifier& classifier,
                           const registry::OrgRegistry& registry, const std::vector<LabelledRequest>& requests) {
    // Classifying the part several times gives a stable per-request cost (printed, not asserted: machines vary).
    constexpr int kRounds = 5;
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<Agreement> agreement;
    for (int round = 0; round < kRounds; ++round) agreement = Evaluate(classifier, registry, requests);
    const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(agreement.ok()) << agreement.status();
    if (!agreement.ok()) return {};
    std::cout << "[" << part << "] " << elapsed.count() / (kRounds * requests.size())
              << " µs per request classified\n";
    Print(part, *agreement);
    return *std::move(agreement);
  }

  static void Print(const std::string& part, const Agreement& agreement) {
    std::cout << "[" << part << "] " << agreement.requests << " requests: " << agreement.Summary() << "; targets "
              << (MeetsTargets(agreement) ? "met" : "NOT met") << "\n"
              << "[" << part << "] worst:\n"
              << agreement.Worst(WorstToShow()) << std::flush;
  }

  std::shared_ptr<const registry::OrgRegistry> registry_;
  ClassificationRules rules_;
  std::vector<LabelledRequest> examples_;
  ModelUse use_;
  std::chrono::duration<double, std::milli> training_{};
  std::unique_ptr<Classifier> classifier_;
};

}  // namespace gridcase::intake::testing
