#pragma once

#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/registry/location.h"
#include "libs/registry/org_registry.h"
#include "services/intake/core/classification_model.h"

namespace gridcase::intake {

// One rule of what a request says beyond which catalogue item it is (services/intake/classification-rules.json).
// It fires when any of its patterns (keywords or "A…B" phrases, see Pattern) is in the request and none of its
// `unless` patterns is.
struct ClassificationRule {
  enum class Effect {
    kEmergency,     // Danger to life or property (平急结合): emergency if the item can be one (or any_item).
    kNotEmergency,  // Past, hypothetical or already handled danger: cancels every emergency, item's included.
    kCategory,      // Raises the suggested category to at least `category`.
  };
  std::string id;    // e.g. "danger.trapped"; named in explanations.
  std::string name;  // Chinese label for the grid worker, e.g. "有人被困".
  Effect effect = Effect::kCategory;
  v1::Category category = v1::CATEGORY_UNSPECIFIED;  // kCategory only.
  // kEmergency: applies whatever the item, even one that cannot be an emergency (e.g. a fire in a noise complaint).
  bool any_item = false;
  // Non-empty: the rule applies only when the suggested item is one of these codes (a danger only there, e.g.
  // smoking next to stored fireworks: the words are far apart, the item says what is stored).
  std::vector<std::string> items;
  std::vector<std::string> patterns;
  std::vector<std::string> unless;
};

// Configurable classification rules beyond the catalogue's own keywords.
struct ClassificationRules {
  // Any of these in the text flags the request for the emergency path, whatever its catalogue item.
  std::vector<std::string> emergency_keywords;
  // A keyword raises the suggested category to at least the given one (e.g. 多次反映 → 疑难).
  std::vector<std::pair<std::string, v1::Category>> category_keywords;
  std::vector<ClassificationRule> rules;

  // Parses {"emergency_keywords": [...], "category_keywords": {"多次反映": "difficult"}, "rules": [{"id": …,
  // "name": …, "effect": "emergency" | "not_emergency" | "category", "category": …, "any_item": bool,
  // "items": [...], "patterns": [...], "unless": [...]}]}; INVALID_ARGUMENT naming the JSON path on error.
  static absl::StatusOr<ClassificationRules> FromJson(absl::string_view text);
  static absl::StatusOr<ClassificationRules> Load(const std::string& path);
};

// What intake suggests for a request; the grid worker confirms or changes it at verification.
struct Classification {
  std::string catalogue_item;  // Empty when nothing matched.
  v1::Category category = v1::CATEGORY_GENERAL;
  bool emergency = false;
  std::string reason;  // explanation.summary(), for the log.
  v1::ClassificationExplanation explanation;
};

// How the model learned from labelled requests takes part in a suggestion; the defaults are the ones
// cross-validation on the shipped examples chose (docs/CLASSIFICATION.md).
struct ModelUse {
  std::shared_ptr<const ClassificationModel> model;  // Null: keywords and rules alone.
  // The item maximises log P_model(item | text) + keyword_weight × the characters its keywords and phrases explain.
  double keyword_weight = 0.3;
  // An always-emergency item whose keywords explain at least 4 characters wins over the model (danger first).
  bool emergency_item_first = false;
  // The request is an emergency also when the emergency model's log-odds reach this and the item can be one
  // (infinity: never).
  double emergency_log_odds = 6.0;
  // The same for an item that cannot be an emergency (the request's danger outweighs the item chosen).
  double any_item_emergency_log_odds = 8.0;
  // The request is an emergency also when the model gives the always-emergency items together at least this
  // probability (a drowning, a missing child, a suicide threat described without the words the rules know), whatever
  // the item chosen (infinity: never).
  double emergency_item_probability = 0.1;
};

// Suggests a catalogue item, one of the five categories and the emergency flag from the request's text and
// location, and explains each suggestion:
// - item, without a model: the one whose keywords and phrases explain the most text (characters matched; phrases count one more per
//   part; a keyword inside a longer keyword of another item's match does not count); the first in the catalogue on
//   a tie. An emergency item matched by at least 4 characters (or one phrase of them) wins over the others: the
//   danger in a call about several problems is dispatched first. A requested item wins over the text. With a
//   model (ModelUse): the item with the best sum of the model's log-probability and the weighted keyword score,
//   explained by the n-grams that weighed most for it, as the text they cover (hit "model:<code>"); no item when
//   no keyword matched and no n-gram of two or more characters speaks for the model's choice.
// - category: the item's default (一般 without an item), raised by category rules and keywords; 跨县市 when the
//   coordinates lie outside the county and no address placed the request.
// - emergency: the item is an emergency item, or a danger rule fires and the item can be an emergency (or the rule
//   applies to any item, or no item matched), or an emergency keyword appears, or the model's emergency log-odds
//   reach ModelUse::emergency_log_odds and the item can be an emergency; unless a not_emergency rule fires.
// Thread-safe (const).
class Classifier {
 public:
  explicit Classifier(ClassificationRules rules, ModelUse model = {});

  // `requested_item` (a catalogue code chosen by the channel) wins over keywords; INVALID_ARGUMENT
  // "catalogue_item: …" when it is not in the catalogue.
  absl::StatusOr<Classification> Classify(const registry::OrgRegistry& registry, absl::string_view title,
                                          absl::string_view text, absl::string_view requested_item,
                                          const registry::Location& location) const;

 private:
  ClassificationRules rules_;
  ModelUse model_;
};

// Parses a category name as written in rules and registry files: simple, general, major, difficult, cross_county.
absl::StatusOr<v1::Category> ParseCategory(absl::string_view name);

}  // namespace gridcase::intake
