#include "services/audit/adapters/redis_parked_cases.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::audit {

absl::StatusOr<std::set<std::string>> RedisParkedCases::List() {
  std::set<std::string> cases;
  std::string cursor = "0";
  do {
    auto reply = redis_->Run({"SCAN", cursor, "MATCH", absl::StrCat(prefix_, "parked:*"), "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    cursor = reply->elements[0].str;
    for (const redis::Reply& key : reply->elements[1].elements) {
      std::string id = key.str.substr(key.str.rfind(':') + 1);
      if (id.size() > 2 && id.front() == '{' && id.back() == '}') id = id.substr(1, id.size() - 2);  // Hash tag.
      if (absl::StartsWith(id, "GC-")) cases.insert(std::move(id));
    }
  } while (cursor != "0");
  return cases;
}

}  // namespace gridcase::audit
