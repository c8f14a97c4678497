#include "libs/auth/role_claim.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/access/caller.h"

namespace gridcase::auth {

std::string RoleClaim(v1::Role role) {
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) return "";
  return access::RoleName(role);
}

absl::StatusOr<v1::Role> RoleFromClaim(absl::string_view claim) {
  if (!claim.empty() && claim == absl::AsciiStrToLower(claim) && claim != "unspecified") {
    v1::Role role;
    if (v1::Role_Parse(absl::StrCat("ROLE_", absl::AsciiStrToUpper(claim)), &role) && role != v1::ROLE_UNSPECIFIED) {
      return role;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown role '", claim, "'"));
}

}  // namespace gridcase::auth
