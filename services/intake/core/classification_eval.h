#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/registry/org_registry.h"
#include "services/intake/core/classifier.h"

namespace gridcase::intake {

// One request of the labelled evaluation set (services/intake/testdata/classification-*.tsv) with what an
// experienced operator would choose for it.
struct LabelledRequest {
  std::string id;
  std::string text;
  std::string item;
  v1::Category category = v1::CATEGORY_UNSPECIFIED;
  bool emergency = false;
  bool cross_county = false;
};

// Parses the tab-separated set: "id, text, item, category, emergency (0/1), cross_county (0/1)" per line; lines
// starting with '#' are comments. INVALID_ARGUMENT "line N: …" on a malformed line, an unknown item (when
// `registry` is given) or a cross_county flag that disagrees with the category.
absl::StatusOr<std::vector<LabelledRequest>> ParseLabelledRequests(absl::string_view text,
                                                                  const registry::OrgRegistry* registry);
absl::StatusOr<std::vector<LabelledRequest>> LoadLabelledRequests(const std::string& path,
                                                                 const registry::OrgRegistry* registry);

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

}  // namespace gridcase::intake
