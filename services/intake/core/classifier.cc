#include "services/intake/core/classifier.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"
#include "nlohmann/json.hpp"

namespace gridcase::intake {

absl::StatusOr<v1::Category> ParseCategory(absl::string_view name) {
  if (name == "simple") return v1::CATEGORY_SIMPLE;
  if (name == "general") return v1::CATEGORY_GENERAL;
  if (name == "major") return v1::CATEGORY_MAJOR;
  if (name == "difficult") return v1::CATEGORY_DIFFICULT;
  if (name == "cross_county") return v1::CATEGORY_CROSS_COUNTY;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown category '", name, "' (simple, general, major, difficult, cross_county)"));
}

absl::StatusOr<ClassificationRules> ClassificationRules::FromJson(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return absl::InvalidArgumentError("rules: not a JSON object");
  ClassificationRules rules;
  for (const auto& [key, value] : json.items()) {
    if (key == "emergency_keywords") {
      if (!value.is_array()) return absl::InvalidArgumentError("emergency_keywords: must be a list of strings");
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || value[i].get<std::string>().empty()) {
          return absl::InvalidArgumentError(absl::StrCat("emergency_keywords[", i, "]: must be a non-empty string"));
        }
        rules.emergency_keywords.push_back(value[i].get<std::string>());
      }
    } else if (key == "category_keywords") {
      if (!value.is_object()) return absl::InvalidArgumentError("category_keywords: must be an object");
      for (const auto& [keyword, category] : value.items()) {
        if (!category.is_string()) {
          return absl::InvalidArgumentError(absl::StrCat("category_keywords.", keyword, ": must be a category name"));
        }
        auto parsed = ParseCategory(category.get<std::string>());
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("category_keywords.", keyword, ": ", parsed.status().message()));
        }
        rules.category_keywords.emplace_back(keyword, *parsed);
      }
    } else if (key != "description") {
      return absl::InvalidArgumentError(absl::StrCat(key, ": unknown field"));
    }
  }
  return rules;
}

absl::StatusOr<ClassificationRules> ClassificationRules::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("classification rules: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto rules = FromJson(text.str());
  if (!rules.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", rules.status().message()));
  return rules;
}

absl::StatusOr<Classification> Classifier::Classify(const registry::OrgRegistry& registry, absl::string_view title,
                                                    absl::string_view text, absl::string_view requested_item,
                                                    const registry::Location& location) const {
  std::string haystack = absl::StrCat(title, " ", text);
  Classification result;
  const v1::CatalogueItem* item = nullptr;
  if (!requested_item.empty()) {
    item = registry.FindCatalogueItem(requested_item);
    if (item == nullptr) {
      return validation::FieldError("catalogue_item", absl::StrCat("unknown item '", requested_item, "'"));
    }
    result.reason = "requested item";
  } else {
    size_t best = 0;
    for (const v1::CatalogueItem& candidate : registry.Catalogue()) {
      size_t score = 0;
      for (const std::string& keyword : candidate.keywords()) {
        if (absl::StrContains(haystack, keyword)) score += keyword.size();
      }
      if (score > best) {
        best = score;
        item = &candidate;
      }
    }
    if (item != nullptr) result.reason = absl::StrCat("keywords of ", item->code());
  }
  if (item != nullptr) {
    result.catalogue_item = item->code();
    if (item->default_category() != v1::CATEGORY_UNSPECIFIED) result.category = item->default_category();
    result.emergency = item->emergency();
  }
  for (const auto& [keyword, category] : rules_.category_keywords) {
    if (category > result.category && absl::StrContains(haystack, keyword)) {
      result.category = category;
      absl::StrAppend(&result.reason, "; category keyword ", keyword);
    }
  }
  if (location.outside_county && location.method == registry::LocateMethod::kNone) {
    // Coordinates in no grid of this county and no address in it: a matter for more than one county.
    result.category = v1::CATEGORY_CROSS_COUNTY;
    absl::StrAppend(&result.reason, "; located outside the county");
  }
  for (const std::string& keyword : rules_.emergency_keywords) {
    if (absl::StrContains(haystack, keyword)) {
      result.emergency = true;
      absl::StrAppend(&result.reason, "; emergency keyword ", keyword);
      break;
    }
  }
  return result;
}

}  // namespace gridcase::intake
