#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/registry/org_registry.h"
#include "services/intake/core/classifier.h"
#include "services/intake/core/labelled_requests.h"

namespace gridcase::intake {

// A request the classifier got wrong, ranked by how much harm the mistake does.
struct Misclassification {
  const LabelledRequest* request = nullptr;
  Classification got;
  // Missed emergency 100, another department's item 40 (same department 15), false emergency 30, missed or false
  // 跨县市 20, wrong category 10 plus 5 per step between the two.
  int harm = 0;
  std::string why;  // What went wrong and what the classifier matched.
};

// Agreement of the classifier with the labels of one part of the set.
struct Agreement {
  int requests = 0;
  int item_agreed = 0;
  int category_agreed = 0;
  int emergencies = 0;           // Labelled emergency.
  int emergencies_flagged = 0;   // Flagged by the classifier.
  int emergencies_caught = 0;    // Both.
  int cross_county = 0;
  int cross_county_caught = 0;
  std::vector<Misclassification> mistakes;  // Most harmful first.

  double ItemRate() const;
  double CategoryRate() const;
  double EmergencyRecall() const;     // 1 when nothing is labelled emergency.
  double EmergencyPrecision() const;  // 1 when nothing was flagged.
  // "items 92.3% (120/130), categories …, emergency recall …, precision …, 跨县市 …".
  std::string Summary() const;
  // The `n` most harmful mistakes, one per line with why.
  std::string Worst(size_t n) const;
};

// Classifies every request (text only: no coordinates, no requested item) and compares with its labels.
absl::StatusOr<Agreement> Evaluate(const Classifier& classifier, const registry::OrgRegistry& registry,
                                   const std::vector<LabelledRequest>& requests);

// k-fold cross-validation of a classifier with a learned model: the examples are dealt into `folds` parts (in the
// order of a fixed hash of their ids, so that requests written together are spread over the parts); each part is
// classified by a classifier whose model learned from the other parts only (and from `registry`'s catalogue), with
// `rules` and `use`'s settings (its model is ignored). The agreement over the examples `measured` accepts (all
// when it is empty), all parts together.
absl::StatusOr<Agreement> CrossValidate(const ClassificationRules& rules, const ModelUse& use,
                                        const ClassificationModel::Options& options,
                                        const registry::OrgRegistry& registry,
                                        const std::vector<LabelledRequest>& examples, int folds,
                                        const std::function<bool(const LabelledRequest&)>& measured = {});

}  // namespace gridcase::intake
