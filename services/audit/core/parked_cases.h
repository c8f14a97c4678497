#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace gridcase::audit {

// Cases whose projection was parked on purpose (an event that cannot apply is held back, with the case, until an
// operator acts): the projection of such a case is expected to stay behind the log.
class ParkedCases {
 public:
  virtual ~ParkedCases() = default;
  // The ids of the cases parked now.
  virtual absl::StatusOr<std::set<std::string>> List() = 0;
};

}  // namespace gridcase::audit
