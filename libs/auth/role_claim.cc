#include "libs/auth/role_claim.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"

namespace gridcase::auth {

std::string RoleClaim(v1::Role role) {
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) return "";
  const std::string& name = v1::Role_Name(role);
  absl::string_view bare(name);
  absl::ConsumePrefix(&bare, "ROLE_");
  return absl::AsciiStrToLower(bare);
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
