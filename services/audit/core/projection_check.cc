#include "services/audit/core/projection_check.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::audit {

ProjectionFindings CheckProjections(const std::map<std::string, int64_t>& log_max_versions,
                                    const std::map<std::string, int64_t>& projected_versions,
                                    const std::set<std::string>& parked, const std::vector<std::string>& differences) {
  ProjectionFindings f;
  for (const std::string& difference : differences) {
    bool of_parked_case = false;
    for (const std::string& id : parked) {
      if (absl::EndsWith(difference, absl::StrCat(" of ", id))) of_parked_case = true;
    }
    if (!of_parked_case) f.differences.push_back(difference);
  }
  for (const auto& [case_id, logged] : log_max_versions) {
    auto it = projected_versions.find(case_id);
    Lagging lagging{.case_id = case_id, .projected = it == projected_versions.end() ? 0 : it->second,
                    .logged = logged};
    if (parked.contains(case_id)) {
      f.parked.push_back(lagging);
    } else if (lagging.projected < logged) {
      f.stuck.push_back(lagging);
    } else if (lagging.projected > logged) {
      f.ahead.push_back(lagging);
    }
  }
  for (const auto& [case_id, projected] : projected_versions) {
    if (log_max_versions.contains(case_id)) continue;
    if (parked.contains(case_id)) {
      f.parked.push_back({.case_id = case_id, .projected = projected, .logged = 0});
    } else {
      f.ahead.push_back({.case_id = case_id, .projected = projected, .logged = 0});
    }
  }
  for (const std::string& id : parked) {
    if (!log_max_versions.contains(id) && !projected_versions.contains(id)) f.parked.push_back({.case_id = id});
  }
  return f;
}

}  // namespace gridcase::audit
