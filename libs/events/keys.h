#pragma once

#include "absl/strings/string_view.h"
#include <string>

#include "absl/strings/str_cat.h"

namespace gridcase::events {

// Redis key names shared between services: the projections dispatch maintains and others read. Each key takes a
// prefix (empty in production; unique per test) and hash-tags the case id, `<service>:<kind>:{<case id>}`.
class Keys {
 public:
  explicit Keys(std::string prefix = "") : prefix_(std::move(prefix)) {}

  // Hash: version, case (serialised v1::Case). Written only by the dispatch projector.
  std::string CaseView(absl::string_view case_id) const { return absl::StrCat(prefix_, "dispatch:case:{", case_id, "}"); }
  // List of serialised CaseEvents in version order.
  std::string Timeline(absl::string_view case_id) const {
    return absl::StrCat(prefix_, "dispatch:timeline:{", case_id, "}");
  }
  // Sorted set of case ids held by an org unit, scored by due time (unix seconds).
  std::string Queue(absl::string_view unit_code) const { return absl::StrCat(prefix_, "dispatch:queue:{", unit_code, "}"); }
  // Sorted set of every case id, scored by creation time (for listing).
  std::string AllCases() const { return absl::StrCat(prefix_, "dispatch:cases"); }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

}  // namespace gridcase::events
