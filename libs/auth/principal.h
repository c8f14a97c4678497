#pragma once

#include <string>

#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::auth {

// Which kind of trusted issuer vouched for a caller: the people's identity provider, or the services' own issuer.
enum class IdentityKind { kPerson, kService };

// Who is calling, as proven by a verified token.
struct Principal {
  std::string subject;  // "sub": the person id, or the service name for a service token
  v1::Role role;        // "role"; never ROLE_SYSTEM for a person, always ROLE_SYSTEM for a service
  std::string unit;     // "unit": org unit code (grid, community, township, county, department, hotline centre);
                        // always set for a person, may be empty for a service
  std::string issuer;   // "iss"
  IdentityKind kind;    // the kind of the trusted issuer that signed the token
  absl::Time expires;   // "exp"
};

}  // namespace gridcase::auth
