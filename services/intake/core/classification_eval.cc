#include "services/intake/core/classification_eval.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/case/category_label.h"

namespace gridcase::intake {
namespace {

std::string Percent(int part, int whole) {
  return absl::StrFormat("%.1f%% (%d/%d)", whole == 0 ? 100.0 : 100.0 * part / whole, part, whole);
}

std::string ItemName(const registry::OrgRegistry& registry, const std::string& code) {
  if (code.empty()) return "(无)";
  const v1::CatalogueItem* item = registry.FindCatalogueItem(code);
  return item == nullptr ? code : absl::StrCat(item->name(), " ", code);
}

std::string DepartmentOf(const registry::OrgRegistry& registry, const std::string& code) {
  const v1::CatalogueItem* item = registry.FindCatalogueItem(code);
  return item == nullptr ? "" : item->department_code();
}

// FNV-1a: the same on every run and machine, unlike absl::Hash.
uint64_t StableHash(absl::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : text) hash = (hash ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return hash;
}

}  // namespace

double Agreement::ItemRate() const { return requests == 0 ? 1.0 : static_cast<double>(item_agreed) / requests; }
double Agreement::CategoryRate() const {
  return requests == 0 ? 1.0 : static_cast<double>(category_agreed) / requests;
}
double Agreement::EmergencyRecall() const {
  return emergencies == 0 ? 1.0 : static_cast<double>(emergencies_caught) / emergencies;
}
double Agreement::EmergencyPrecision() const {
  return emergencies_flagged == 0 ? 1.0 : static_cast<double>(emergencies_caught) / emergencies_flagged;
}

std::string Agreement::Summary() const {
  return absl::StrCat("items ", Percent(item_agreed, requests), ", categories ", Percent(category_agreed, requests),
                      ", emergency recall ", Percent(emergencies_caught, emergencies), ", precision ",
                      Percent(emergencies_caught, emergencies_flagged), ", 跨县市 recall ",
                      Percent(cross_county_caught, cross_county));
}

std::string Agreement::Worst(size_t n) const {
  std::string out;
  for (size_t i = 0; i < std::min(n, mistakes.size()); ++i) {
    const Misclassification& m = mistakes[i];
    absl::StrAppend(&out, i + 1, ". ", m.request->id, " (harm ", m.harm, ") ", m.request->text, "\n   ", m.why, "\n");
  }
  return out;
}

absl::StatusOr<Agreement> Evaluate(const Classifier& classifier, const registry::OrgRegistry& registry,
                                   const std::vector<LabelledRequest>& requests) {
  Agreement agreement;
  const registry::Location nowhere;  // Text only: the set has no coordinates or addresses.
  for (const LabelledRequest& request : requests) {
    auto got = classifier.Classify(registry, "", request.text, "", nowhere);
    if (!got.ok()) return got.status();
    ++agreement.requests;
    const bool item_ok = got->catalogue_item == request.item;
    const bool category_ok = got->category == request.category;
    const bool got_cross = got->category == v1::CATEGORY_CROSS_COUNTY;
    agreement.item_agreed += item_ok;
    agreement.category_agreed += category_ok;
    agreement.emergencies += request.emergency;
    agreement.emergencies_flagged += got->emergency;
    agreement.emergencies_caught += request.emergency && got->emergency;
    agreement.cross_county += request.cross_county;
    agreement.cross_county_caught += request.cross_county && got_cross;
    if (item_ok && category_ok && got->emergency == request.emergency) continue;

    Misclassification m{.request = &request, .got = *got};
    std::vector<std::string> why;
    if (request.emergency && !got->emergency) {
      m.harm += 100;
      why.push_back("missed emergency");
    } else if (!request.emergency && got->emergency) {
      m.harm += 30;
      why.push_back("false emergency");
    }
    if (!item_ok) {
      const bool same_department =
          !got->catalogue_item.empty() && DepartmentOf(registry, got->catalogue_item) == DepartmentOf(registry, request.item);
      m.harm += same_department ? 15 : 40;
      why.push_back(absl::StrCat("item ", ItemName(registry, got->catalogue_item), " instead of ",
                                 ItemName(registry, request.item),
                                 same_department ? " (same department)" : " (another department)"));
    }
    if (!category_ok) {
      m.harm += (request.cross_county != got_cross ? 20 : 0) + 10 + 5 * std::abs(got->category - request.category);
      why.push_back(absl::StrCat("category ", cases::CategoryLabel(got->category), " instead of ",
                                 cases::CategoryLabel(request.category)));
    }
    m.why = absl::StrCat(absl::StrJoin(why, "; "), " — classifier: ", got->explanation.summary());
    agreement.mistakes.push_back(std::move(m));
  }
  std::stable_sort(agreement.mistakes.begin(), agreement.mistakes.end(),
                   [](const Misclassification& a, const Misclassification& b) { return a.harm > b.harm; });
  return agreement;
}

absl::StatusOr<Agreement> CrossValidate(const ClassificationRules& rules, const ModelUse& use,
                                        const ClassificationModel::Options& options,
                                        const registry::OrgRegistry& registry,
                                        const std::vector<LabelledRequest>& examples, int folds,
                                        const std::function<bool(const LabelledRequest&)>& measured) {
  if (folds < 2) return absl::InvalidArgumentError("cross-validation needs at least 2 folds");
  std::vector<size_t> order(examples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return StableHash(examples[a].id) < StableHash(examples[b].id);
  });
  Agreement total;
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<LabelledRequest> training;
    std::vector<LabelledRequest> held;
    std::vector<size_t> held_index;
    for (size_t rank = 0; rank < order.size(); ++rank) {
      if (static_cast<int>(rank % folds) == fold) {
        if (measured && !measured(examples[order[rank]])) continue;
        held.push_back(examples[order[rank]]);
        held_index.push_back(order[rank]);
      } else {
        training.push_back(examples[order[rank]]);
      }
    }
    ModelUse fold_use = use;
    fold_use.model =
        std::make_shared<const ClassificationModel>(ClassificationModel::Train(training, &registry, options));
    const Classifier classifier(rules, fold_use);
    auto agreement = Evaluate(classifier, registry, held);
    if (!agreement.ok()) return agreement.status();
    total.requests += agreement->requests;
    total.item_agreed += agreement->item_agreed;
    total.category_agreed += agreement->category_agreed;
    total.emergencies += agreement->emergencies;
    total.emergencies_flagged += agreement->emergencies_flagged;
    total.emergencies_caught += agreement->emergencies_caught;
    total.cross_county += agreement->cross_county;
    total.cross_county_caught += agreement->cross_county_caught;
    for (Misclassification& m : agreement->mistakes) {
      m.request = &examples[held_index[m.request - held.data()]];
      total.mistakes.push_back(std::move(m));
    }
  }
  std::stable_sort(total.mistakes.begin(), total.mistakes.end(),
                   [](const Misclassification& a, const Misclassification& b) { return a.harm > b.harm; });
  return total;
}

}  // namespace gridcase::intake
