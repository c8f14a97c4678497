#include "services/intake/core/classification_eval.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

}  // namespace

absl::StatusOr<std::vector<LabelledRequest>> ParseLabelledRequests(absl::string_view text,
                                                                  const registry::OrgRegistry* registry) {
  std::vector<LabelledRequest> requests;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    auto invalid = [number](absl::string_view reason) {
      return absl::InvalidArgumentError(absl::StrCat("line ", number, ": ", reason));
    };
    if (fields.size() != 6) return invalid(absl::StrCat("expected 6 tab-separated fields, got ", fields.size()));
    LabelledRequest request;
    request.id = fields[0];
    request.text = fields[1];
    request.item = fields[2];
    auto category = ParseCategory(fields[3]);
    if (!category.ok()) return invalid(category.status().message());
    request.category = *category;
    if ((fields[4] != "0" && fields[4] != "1") || (fields[5] != "0" && fields[5] != "1")) {
      return invalid("emergency and cross_county are 0 or 1");
    }
    request.emergency = fields[4] == "1";
    request.cross_county = fields[5] == "1";
    if (request.id.empty() || request.text.empty()) return invalid("id and text must not be empty");
    if (request.cross_county != (request.category == v1::CATEGORY_CROSS_COUNTY)) {
      return invalid("cross_county is 1 exactly when the category is cross_county");
    }
    if (registry != nullptr && registry->FindCatalogueItem(request.item) == nullptr) {
      return invalid(absl::StrCat("unknown catalogue item ", request.item));
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

absl::StatusOr<std::vector<LabelledRequest>> LoadLabelledRequests(const std::string& path,
                                                                 const registry::OrgRegistry* registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  auto requests = ParseLabelledRequests(text.str(), registry);
  if (!requests.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", requests.status().message()));
  return requests;
}

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

}  // namespace gridcase::intake
