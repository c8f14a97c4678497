#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/registry/org_registry.h"

namespace gridcase::intake {

// One labelled request (services/intake/classification-examples.tsv, services/intake/testdata/*.tsv) with what an
// experienced operator would choose for it: the classifier's training examples and the evaluation set.
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

}  // namespace gridcase::intake
