#include "services/audit/adapters/redis_parked_cases.h"

namespace gridcase::audit {

absl::StatusOr<std::set<std::string>> RedisParkedCases::List() {
  auto groups = store_.Groups();
  if (!groups.ok()) return groups.status();
  std::set<std::string> cases;
  for (const std::string& group : *groups) {
    auto ids = store_.ParkedCaseIds(group);
    if (!ids.ok()) return ids.status();
    cases.insert(ids->begin(), ids->end());
  }
  return cases;
}

}  // namespace gridcase::audit
