#include "libs/access/caller.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gridcase::access {

std::string RoleName(v1::Role role) {
  std::string name = v1::Role_Name(role);
  if (absl::StartsWith(name, "ROLE_")) name = name.substr(5);
  return absl::AsciiStrToLower(name);
}

v1::Actor Caller::ToActor() const {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_person_id(person_id);
  actor.set_unit_code(unit);
  return actor;
}

std::string Caller::Describe() const {
  if (service) return absl::StrCat("service ", person_id);
  return absl::StrCat(RoleName(role), " ", person_id, " of ", unit);
}

}  // namespace gridcase::access
