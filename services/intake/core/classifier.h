#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/registry/location.h"
#include "libs/registry/org_registry.h"

namespace gridcase::intake {

// Configurable classification rules beyond the catalogue's own keywords (services/intake/classification-rules.json).
struct ClassificationRules {
  // Any of these in the text flags the request for the emergency path (平急结合), whatever its catalogue item.
  std::vector<std::string> emergency_keywords;
  // A keyword raises the suggested category to at least the given one (e.g. 多次反映 → 疑难).
  std::vector<std::pair<std::string, v1::Category>> category_keywords;

  // Parses {"emergency_keywords": [...], "category_keywords": {"多次反映": "difficult", ...}}; INVALID_ARGUMENT
  // naming the JSON path on error.
  static absl::StatusOr<ClassificationRules> FromJson(absl::string_view text);
  static absl::StatusOr<ClassificationRules> Load(const std::string& path);
};

// What intake suggests for a request; the grid worker confirms or changes it at verification.
struct Classification {
  std::string catalogue_item;  // Empty when nothing matched.
  v1::Category category = v1::CATEGORY_GENERAL;
  bool emergency = false;
  std::string reason;  // Which keyword or rule decided, for the log.
};

// Suggests a catalogue item, one of the five categories and the emergency flag from the request's text and
// location: the catalogue item is the one whose keywords match the most text (longest total match); its default
// category, raised by category keywords; 跨县市 when the coordinates lie outside the county; emergency when the item
// is an emergency item or an emergency keyword appears. Thread-safe (const).
class Classifier {
 public:
  explicit Classifier(ClassificationRules rules) : rules_(std::move(rules)) {}

  // `requested_item` (a catalogue code chosen by the channel) wins over keywords; INVALID_ARGUMENT
  // "catalogue_item: …" when it is not in the catalogue.
  absl::StatusOr<Classification> Classify(const registry::OrgRegistry& registry, absl::string_view title,
                                          absl::string_view text, absl::string_view requested_item,
                                          const registry::Location& location) const;

 private:
  ClassificationRules rules_;
};

// Parses a category name as written in rules and registry files: simple, general, major, difficult, cross_county.
absl::StatusOr<v1::Category> ParseCategory(absl::string_view name);

}  // namespace gridcase::intake
