#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::auth {

// A role as the "role" claim spells it: the enum name without "ROLE_", lower case. ROLE_GRID_WORKER ->
// "grid_worker", ROLE_SYSTEM -> "system". ROLE_UNSPECIFIED (or a value outside the enum) gives "".
std::string RoleClaim(v1::Role role);

// The inverse of RoleClaim, exact (lower case only). "unspecified" and unknown names are InvalidArgument
// "unknown role '<name>'".
absl::StatusOr<v1::Role> RoleFromClaim(absl::string_view claim);

}  // namespace gridcase::auth
