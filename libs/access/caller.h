#pragma once

#include <string>

#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::access {

// Who is calling, as an authenticated credential proves it: a person in a role acting for an org unit, or a gridcase
// service (ROLE_SYSTEM, from the service issuer only).
struct Caller {
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string person_id;  // The token's subject: a person id, or the service's name.
  std::string unit;       // Org unit code from the registry; empty for a service.
  bool service = false;   // A service identity; only services have ROLE_SYSTEM.

  // The actor recorded on the events this caller causes.
  v1::Actor ToActor() const;
  // "township_dispatcher p0012 of 330199001", "service feedback".
  std::string Describe() const;
};

// "grid_worker" for ROLE_GRID_WORKER: the role as tokens and messages spell it.
std::string RoleName(v1::Role role);

}  // namespace gridcase::access
