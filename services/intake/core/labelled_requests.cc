#include "services/intake/core/labelled_requests.h"

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/intake/core/classifier.h"

namespace gridcase::intake {

absl::StatusOr<std::vector<LabelledRequest>> ParseLabelledRequests(absl::string_view text,
                                                                  const registry::OrgRegistry* registry) {
  std::vector<LabelledRequest> requests;
  absl::flat_hash_set<std::string> ids;
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
    if (!ids.insert(request.id).second) return invalid(absl::StrCat("id ", request.id, " appears twice"));
    if (registry != nullptr) {
      const v1::CatalogueItem* item = registry->FindCatalogueItem(request.item);
      if (item == nullptr) return invalid(absl::StrCat("unknown catalogue item ", request.item));
      // docs/LABELLING.md: never below the item's default (a 跨县市 default needs another county named, so it is
      // not a floor); an emergency item is always one, an item that cannot be one never is.
      if (item->default_category() != v1::CATEGORY_CROSS_COUNTY && request.category < item->default_category()) {
        return invalid(absl::StrCat("category ", fields[3], " is below the default of ", request.item));
      }
      if (item->emergency() && !request.emergency) {
        return invalid(absl::StrCat(request.item, " is always an emergency"));
      }
      if (!item->emergency() && !item->can_be_emergency() && request.emergency) {
        return invalid(absl::StrCat(request.item, " cannot be an emergency"));
      }
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

}  // namespace gridcase::intake
