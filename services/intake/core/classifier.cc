#include "services/intake/core/classifier.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/case/category_label.h"
#include "libs/validation/field_error.h"
#include "nlohmann/json.hpp"
#include "services/intake/core/phrase_match.h"

namespace gridcase::intake {
namespace {

using nlohmann::json;

absl::Status Invalid(absl::string_view path, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", reason));
}

absl::Status ReadPatterns(const json& value, const std::string& path, std::vector<std::string>* out) {
  if (!value.is_array()) return Invalid(path, "must be a list of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string() || PatternWeight(value[i].get<std::string>()) == 0) {
      return Invalid(absl::StrCat(path, "[", i, "]"), "must be a non-empty keyword or phrase");
    }
    out->push_back(value[i].get<std::string>());
  }
  return absl::OkStatus();
}

absl::StatusOr<ClassificationRule> ReadRule(const json& value, const std::string& path) {
  if (!value.is_object()) return Invalid(path, "must be an object");
  ClassificationRule rule;
  std::string effect;
  for (const auto& [key, field] : value.items()) {
    const std::string at = absl::StrCat(path, ".", key);
    if (key == "id" || key == "name" || key == "effect" || key == "category") {
      if (!field.is_string() || field.get<std::string>().empty()) return Invalid(at, "must be a non-empty string");
      const std::string text = field.get<std::string>();
      if (key == "id") rule.id = text;
      if (key == "name") rule.name = text;
      if (key == "effect") effect = text;
      if (key == "category") {
        auto category = ParseCategory(text);
        if (!category.ok()) return Invalid(at, category.status().message());
        rule.category = *category;
      }
    } else if (key == "any_item") {
      if (!field.is_boolean()) return Invalid(at, "must be true or false");
      rule.any_item = field.get<bool>();
    } else if (key == "items") {
      if (absl::Status s = ReadPatterns(field, at, &rule.items); !s.ok()) return s;
    } else if (key == "patterns") {
      if (absl::Status s = ReadPatterns(field, at, &rule.patterns); !s.ok()) return s;
    } else if (key == "unless") {
      if (absl::Status s = ReadPatterns(field, at, &rule.unless); !s.ok()) return s;
    } else if (key != "description") {
      return Invalid(at, "unknown field");
    }
  }
  if (rule.id.empty()) return Invalid(absl::StrCat(path, ".id"), "missing");
  if (rule.name.empty()) rule.name = rule.id;
  if (rule.patterns.empty()) return Invalid(absl::StrCat(path, ".patterns"), "missing");
  if (effect == "emergency") {
    rule.effect = ClassificationRule::Effect::kEmergency;
  } else if (effect == "not_emergency") {
    rule.effect = ClassificationRule::Effect::kNotEmergency;
  } else if (effect == "category") {
    rule.effect = ClassificationRule::Effect::kCategory;
    if (rule.category == v1::CATEGORY_UNSPECIFIED) return Invalid(absl::StrCat(path, ".category"), "missing");
  } else {
    return Invalid(absl::StrCat(path, ".effect"), "must be emergency, not_emergency or category");
  }
  return rule;
}

// The patterns of `patterns` found in `haystack`.
std::vector<std::string> Found(const std::vector<std::string>& patterns, absl::string_view haystack,
                               const TextCharacters& characters) {
  std::vector<std::string> found;
  for (const std::string& pattern : patterns) {
    if (characters.MayMatch(pattern) && FindPattern(pattern, haystack).has_value()) found.push_back(pattern);
  }
  return found;
}

constexpr size_t kEmergencyItemWeight = 4;
// N-grams named in a model's explanation.
constexpr size_t kEvidenceShown = 3;

// One catalogue keyword's or phrase's match while choosing the item.
struct ItemMatch {
  int item = 0;
  const std::string* pattern = nullptr;
  TextSpan span;
  bool phrase = false;
};

// What the catalogue's keywords and phrases say: per item, the characters they explain and which matched.
struct KeywordScores {
  std::vector<size_t> score;
  std::vector<std::vector<std::string>> matched;
};

KeywordScores ScoreItems(const registry::OrgRegistry& registry, absl::string_view haystack,
                         const TextCharacters& characters) {
  const auto& catalogue = registry.Catalogue();
  std::vector<ItemMatch> matches;
  for (int i = 0; i < catalogue.size(); ++i) {
    for (const std::string& keyword : catalogue[i].keywords()) {
      if (!characters.MayMatch(keyword)) continue;
      for (const TextSpan& span : FindAllPattern(keyword, haystack)) matches.push_back({i, &keyword, span, false});
    }
    for (const std::string& phrase : catalogue[i].phrases()) {
      if (!characters.MayMatch(phrase)) continue;
      if (std::optional<TextSpan> span = FindPattern(phrase, haystack)) {
        matches.push_back({i, &phrase, *span, true});
      }
    }
  }
  // Scores: a keyword counts once however often it appears, and not at all where every occurrence lies inside a
  // longer keyword of another item (垃圾 inside 建筑垃圾).
  KeywordScores scores{std::vector<size_t>(catalogue.size(), 0),
                       std::vector<std::vector<std::string>>(catalogue.size())};
  for (size_t m = 0; m < matches.size(); ++m) {
    const ItemMatch& match = matches[m];
    if (!match.phrase) {
      bool inside_longer = false;
      for (const ItemMatch& other : matches) {
        if (other.phrase || other.item == match.item) continue;
        const size_t length = match.span.end - match.span.begin;
        if (other.span.begin <= match.span.begin && match.span.end <= other.span.end &&
            other.span.end - other.span.begin > length) {
          inside_longer = true;
          break;
        }
      }
      if (inside_longer) continue;
    }
    std::vector<std::string>& seen = scores.matched[match.item];
    if (std::find(seen.begin(), seen.end(), *match.pattern) != seen.end()) continue;
    seen.push_back(*match.pattern);
    scores.score[match.item] += PatternWeight(*match.pattern) + (match.phrase ? 1 : 0);
  }
  return scores;
}

// The always-emergency item matched clearly (a phrase, or keywords of at least kEmergencyItemWeight characters)
// with the best score, or -1: in a call about several problems an operator dispatches the danger first.
int ClearEmergencyItem(const registry::OrgRegistry& registry, const KeywordScores& scores) {
  int chosen = -1;
  size_t best = 0;
  for (int i = 0; i < registry.Catalogue().size(); ++i) {
    if (registry.Catalogue()[i].emergency() && scores.score[i] >= kEmergencyItemWeight && scores.score[i] > best) {
      best = scores.score[i];
      chosen = i;
    }
  }
  return chosen;
}

// The item with the best keyword score (the first in the catalogue on a tie), or -1 when nothing matched.
int BestKeywordItem(const KeywordScores& scores) {
  int chosen = -1;
  size_t best = 0;
  for (size_t i = 0; i < scores.score.size(); ++i) {
    if (scores.score[i] > best) {
      best = scores.score[i];
      chosen = static_cast<int>(i);
    }
  }
  return chosen;
}

struct EmergencyItemLikelihood {
  double probability = 0;                    // Of all always-emergency items together.
  const v1::CatalogueItem* item = nullptr;  // The likeliest of them.
};

// What the model reads in one request; each part is computed once, when first needed.
class ModelReading {
 public:
  ModelReading(const ClassificationModel& model, const registry::OrgRegistry& registry, absl::string_view text)
      : model_(model), registry_(registry), text_(text) {}

  const ClassificationModel& model() const { return model_; }

  const std::vector<int>& Features() {
    if (!features_.has_value()) features_ = model_.Features(text_);
    return *features_;
  }

  const std::vector<double>& ItemLogPosterior() {
    if (!posterior_.has_value()) posterior_ = model_.ItemLogPosterior(Features());
    return *posterior_;
  }

  // How likely the request is about an always-emergency item.
  const EmergencyItemLikelihood& EmergencyItems() {
    if (emergency_items_.has_value()) return *emergency_items_;
    const std::vector<double>& posterior = ItemLogPosterior();
    EmergencyItemLikelihood likely;
    double best = -std::numeric_limits<double>::infinity();
    for (const v1::CatalogueItem& item : registry_.Catalogue()) {
      if (!item.emergency()) continue;
      const int learned = model_.ItemIndex(item.code());
      if (learned < 0) continue;
      likely.probability += std::exp(posterior[learned]);
      if (posterior[learned] > best) {
        best = posterior[learned];
        likely.item = &item;
      }
    }
    emergency_items_ = likely;
    return *emergency_items_;
  }

 private:
  const ClassificationModel& model_;
  const registry::OrgRegistry& registry_;
  absl::string_view text_;
  std::optional<std::vector<int>> features_;
  std::optional<std::vector<double>> posterior_;
  std::optional<EmergencyItemLikelihood> emergency_items_;
};

// The catalogue item with the best log P_model(item | text) + keyword_weight × keyword score, or -1.
// An always-emergency item is a candidate only when its keywords matched, the emergency model finds the request an
// emergency or the always-emergency items together are likely enough (ModelUse::emergency_item_probability): a
// danger the resident does not describe is not assumed from a few similar words.
int ChooseWithModel(const ModelUse& use, const registry::OrgRegistry& registry, const KeywordScores& keywords,
                    ModelReading& reading) {
  const ClassificationModel& model = reading.model();
  const std::vector<double>& posterior = reading.ItemLogPosterior();
  const bool sounds_urgent = model.EmergencyLogOdds(reading.Features()) >= use.emergency_log_odds ||
                             reading.EmergencyItems().probability >= use.emergency_item_probability;
  // An item the model never saw (added to the catalogue after it learned) counts as likely as its favourite: its
  // keywords decide, as they would without a model.
  const double unseen = posterior.empty() ? 0 : *std::max_element(posterior.begin(), posterior.end());
  int chosen = -1;
  double best = -std::numeric_limits<double>::infinity();
  const auto& catalogue = registry.Catalogue();
  for (int i = 0; i < catalogue.size(); ++i) {
    const int learned = model.ItemIndex(catalogue[i].code());
    if (learned < 0 && keywords.score[i] == 0) continue;
    if (catalogue[i].emergency() && keywords.score[i] == 0 && !sounds_urgent) continue;
    const double model_score = learned >= 0 ? posterior[learned] : unseen;
    const double score = model_score + use.keyword_weight * static_cast<double>(keywords.score[i]);
    if (score > best) {
      best = score;
      chosen = i;
    }
  }
  return chosen;
}

// The model's n-grams as the worker reads them: n-grams that overlap or touch in the request become the one run of
// text they cover (当响 and 咣当 → 咣当响), in the order of the strongest n-gram of each run.
std::vector<std::string> AsWritten(const std::vector<std::string>& grams, absl::string_view haystack) {
  struct Run {
    size_t begin;
    size_t end;
    size_t rank;
  };
  std::vector<Run> runs;
  std::vector<std::string> unplaced;  // Normalised away (digits, letter case): shown as they are.
  for (size_t rank = 0; rank < grams.size(); ++rank) {
    const size_t at = haystack.find(grams[rank]);
    if (at == absl::string_view::npos) {
      unplaced.push_back(grams[rank]);
    } else {
      runs.push_back({at, at + grams[rank].size(), rank});
    }
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.begin < b.begin; });
  std::vector<Run> merged;
  for (const Run& run : runs) {
    if (!merged.empty() && run.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, run.end);
      merged.back().rank = std::min(merged.back().rank, run.rank);
    } else {
      merged.push_back(run);
    }
  }
  std::sort(merged.begin(), merged.end(), [](const Run& a, const Run& b) { return a.rank < b.rank; });
  std::vector<std::string> written;
  for (const Run& run : merged) written.emplace_back(haystack.substr(run.begin, run.end - run.begin));
  for (std::string& gram : unplaced) written.push_back(std::move(gram));
  return written;
}

v1::ClassificationExplanation::Hit* AddHit(v1::ClassificationExplanation* explanation, absl::string_view rule,
                                           absl::string_view effect, const std::vector<std::string>& matched) {
  v1::ClassificationExplanation::Hit* hit = explanation->add_hits();
  hit->set_rule(std::string(rule));
  hit->set_effect(std::string(effect));
  for (const std::string& m : matched) hit->add_matched(m);
  return hit;
}

}  // namespace

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
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return absl::InvalidArgumentError("rules: not a JSON object");
  ClassificationRules rules;
  for (const auto& [key, value] : root.items()) {
    if (key == "emergency_keywords") {
      if (absl::Status s = ReadPatterns(value, key, &rules.emergency_keywords); !s.ok()) return s;
    } else if (key == "category_keywords") {
      if (!value.is_object()) return Invalid(key, "must be an object");
      for (const auto& [keyword, category] : value.items()) {
        if (!category.is_string()) return Invalid(absl::StrCat(key, ".", keyword), "must be a category name");
        auto parsed = ParseCategory(category.get<std::string>());
        if (!parsed.ok()) return Invalid(absl::StrCat(key, ".", keyword), parsed.status().message());
        rules.category_keywords.emplace_back(keyword, *parsed);
      }
    } else if (key == "rules") {
      if (!value.is_array()) return Invalid(key, "must be a list of rules");
      absl::flat_hash_set<std::string> ids;
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string path = absl::StrCat("rules[", i, "]");
        auto rule = ReadRule(value[i], path);
        if (!rule.ok()) return rule.status();
        if (!ids.insert(rule->id).second) return Invalid(absl::StrCat(path, ".id"), absl::StrCat(rule->id, " repeats"));
        rules.rules.push_back(*std::move(rule));
      }
    } else if (key != "description") {
      return Invalid(key, "unknown field");
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

Classifier::Classifier(ClassificationRules rules, ModelUse model) : rules_(std::move(rules)), model_(std::move(model)) {}

absl::StatusOr<Classification> Classifier::Classify(const registry::OrgRegistry& registry, absl::string_view title,
                                                    absl::string_view text, absl::string_view requested_item,
                                                    const registry::Location& location) const {
  const std::string haystack = absl::StrCat(title, "\n", text);
  const TextCharacters characters(haystack);
  Classification result;
  v1::ClassificationExplanation& explanation = result.explanation;
  std::vector<std::string> summary;

  const v1::CatalogueItem* item = nullptr;
  std::optional<ModelReading> reading;
  if (model_.model != nullptr) reading.emplace(*model_.model, registry, haystack);
  if (!requested_item.empty()) {
    item = registry.FindCatalogueItem(requested_item);
    if (item == nullptr) {
      return validation::FieldError("catalogue_item", absl::StrCat("unknown item '", requested_item, "'"));
    }
    AddHit(&explanation, absl::StrCat("item:", item->code()), "item", {})->add_matched("requested");
    summary.push_back(absl::StrCat("事项 ", item->name(), "（渠道指定）"));
  } else {
    const KeywordScores keywords = ScoreItems(registry, haystack, characters);
    int chosen = model_.emergency_item_first ? ClearEmergencyItem(registry, keywords) : -1;
    const int by_keywords = chosen >= 0 ? chosen : BestKeywordItem(keywords);
    if (chosen < 0 && reading.has_value()) {
      chosen = ChooseWithModel(model_, registry, keywords, *reading);
      // Without a keyword, the model suggests an item only when some n-gram of two or more characters speaks for
      // it: a request in words it never saw (or no request at all) is left to the grid worker.
      if (chosen >= 0 && keywords.score[chosen] == 0 &&
          model_.model->Evidence(reading->Features(), model_.model->ItemIndex(registry.Catalogue()[chosen].code()), 1)
              .empty()) {
        chosen = -1;
      }
    }
    if (chosen < 0) chosen = by_keywords;
    if (chosen >= 0) {
      item = &registry.Catalogue()[chosen];
      const std::vector<std::string>& matched = keywords.matched[chosen];
      if (chosen == by_keywords) {
        AddHit(&explanation, absl::StrCat("item:", item->code()), "item", matched);
        summary.push_back(absl::StrCat("事项 ", item->name(), "（", absl::StrJoin(matched, "、"), "）"));
      } else {
        // The model's choice: the ways of saying it that weighed most, and the item's keywords found, if any.
        const std::vector<std::string> evidence = AsWritten(
            model_.model->Evidence(reading->Features(), model_.model->ItemIndex(item->code()), kEvidenceShown),
            haystack);
        AddHit(&explanation, absl::StrCat("model:", item->code()), "item", evidence);
        if (!matched.empty()) AddHit(&explanation, absl::StrCat("item:", item->code()), "item", matched);
        std::vector<std::string> why;
        if (!matched.empty()) why.push_back(absl::StrJoin(matched, "、"));
        if (!evidence.empty()) why.push_back(absl::StrCat("相似说法: ", absl::StrJoin(evidence, "、")));
        if (why.empty()) why.push_back("相似说法");
        summary.push_back(absl::StrCat("事项 ", item->name(), "（", absl::StrJoin(why, "；"), "）"));
      }
    } else {
      summary.push_back("事项 未匹配");
    }
  }
  if (item != nullptr) {
    result.catalogue_item = item->code();
    if (item->default_category() != v1::CATEGORY_UNSPECIFIED) result.category = item->default_category();
  }
  const bool can_be_emergency = item == nullptr || item->emergency() || item->can_be_emergency();

  // Emergency: the item itself, then the danger rules; a not_emergency rule cancels them all.
  std::vector<std::string> emergency_why;
  if (item != nullptr && item->emergency()) {
    result.emergency = true;
    AddHit(&explanation, absl::StrCat("item:", item->code()), "emergency", {});
    emergency_why.push_back(absl::StrCat("紧急事项 ", item->name()));
  }
  std::vector<std::string> cancelled_by;
  for (const ClassificationRule& rule : rules_.rules) {
    if (!rule.items.empty() &&
        (item == nullptr || std::find(rule.items.begin(), rule.items.end(), item->code()) == rule.items.end())) {
      continue;
    }
    std::vector<std::string> found = Found(rule.patterns, haystack, characters);
    if (found.empty() || !Found(rule.unless, haystack, characters).empty()) continue;
    switch (rule.effect) {
      case ClassificationRule::Effect::kEmergency:
        if (!rule.any_item && !can_be_emergency) continue;
        result.emergency = true;
        AddHit(&explanation, rule.id, "emergency", found);
        emergency_why.push_back(absl::StrCat(rule.name, "（", absl::StrJoin(found, "、"), "）"));
        break;
      case ClassificationRule::Effect::kNotEmergency:
        AddHit(&explanation, rule.id, "not_emergency", found);
        cancelled_by.push_back(absl::StrCat(rule.name, "（", absl::StrJoin(found, "、"), "）"));
        break;
      case ClassificationRule::Effect::kCategory:
        if (rule.category > result.category) {
          result.category = rule.category;
          AddHit(&explanation, rule.id, absl::StrCat("category:", v1::Category_Name(rule.category)), found);
          summary.push_back(absl::StrCat(cases::CategoryLabel(rule.category), " ", rule.name, "（",
                                         absl::StrJoin(found, "、"), "）"));
        }
        break;
    }
  }
  const double emergency_threshold =
      can_be_emergency ? model_.emergency_log_odds : model_.any_item_emergency_log_odds;
  if (reading.has_value() && !result.emergency && emergency_threshold != std::numeric_limits<double>::infinity()) {
    const std::vector<int>& features = reading->Features();
    if (model_.model->EmergencyLogOdds(features) >= emergency_threshold) {
      result.emergency = true;
      const std::vector<std::string> evidence =
          AsWritten(model_.model->EmergencyEvidence(features, kEvidenceShown), haystack);
      AddHit(&explanation, "model:emergency", "emergency", evidence);
      emergency_why.push_back(absl::StrCat("像以往的紧急诉求（相似说法: ", absl::StrJoin(evidence, "、"), "）"));
    }
  }
  if (reading.has_value() && !result.emergency &&
      model_.emergency_item_probability != std::numeric_limits<double>::infinity()) {
    const EmergencyItemLikelihood& likely = reading->EmergencyItems();
    if (likely.item != nullptr && likely.probability >= model_.emergency_item_probability) {
      result.emergency = true;
      const std::vector<std::string> evidence = AsWritten(
          model_.model->Evidence(reading->Features(), model_.model->ItemIndex(likely.item->code()), kEvidenceShown),
          haystack);
      AddHit(&explanation, absl::StrCat("model:", likely.item->code()), "emergency", evidence);
      emergency_why.push_back(absl::StrCat("像紧急事项 ", likely.item->name(), "（相似说法: ",
                                           absl::StrJoin(evidence, "、"), "）"));
    }
  }
  for (const std::string& keyword : rules_.emergency_keywords) {
    if (FindPattern(keyword, haystack).has_value()) {
      result.emergency = true;
      AddHit(&explanation, "emergency_keywords", "emergency", {keyword});
      emergency_why.push_back(absl::StrCat("紧急词（", keyword, "）"));
      break;
    }
  }
  for (const auto& [keyword, category] : rules_.category_keywords) {
    if (category > result.category && FindPattern(keyword, haystack).has_value()) {
      result.category = category;
      AddHit(&explanation, "category_keywords", absl::StrCat("category:", v1::Category_Name(category)), {keyword});
      summary.push_back(absl::StrCat(cases::CategoryLabel(category), "（", keyword, "）"));
    }
  }
  if (location.outside_county && location.method == registry::LocateMethod::kNone) {
    // Coordinates in no grid of this county and no address in it: a matter for more than one county.
    result.category = v1::CATEGORY_CROSS_COUNTY;
    AddHit(&explanation, "location.outside_county", "category:CATEGORY_CROSS_COUNTY", {});
    summary.push_back("跨县市（坐标在本县网格之外）");
  }
  if (result.emergency && !cancelled_by.empty()) {
    result.emergency = false;
    summary.push_back(absl::StrCat("不按紧急: ", absl::StrJoin(cancelled_by, "、")));
  } else if (result.emergency) {
    summary.push_back(absl::StrCat("紧急: ", absl::StrJoin(emergency_why, "、")));
  }
  summary.push_back(absl::StrCat("类别 ", cases::CategoryLabel(result.category)));
  explanation.set_summary(absl::StrJoin(summary, "；"));
  result.reason = explanation.summary();
  return result;
}

}  // namespace gridcase::intake
