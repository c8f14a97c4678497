#pragma once

#include <string>

#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/notify.pb.h"

namespace gridcase::notify {

// Who handed a request over, as a key an integration's registration matches:
//   "open311:<client>"  a case of channel OPEN311: the Open311 key name in its idempotency key ("o311:<client>:…");
//   "hotline:<unit>"    a 12345 call entered by an operator of the hotline centre <unit> (the case's intake_unit);
//   "service:<name>"    any other case submitted by a service identity (the app's front end), by the token subject;
//   ""                  nobody to call back (a grid worker's patrol report).
std::string SourceOfSubmission(const v1::CaseEvent& submitted);
// The same key for a registration's source; "" when it names none.
std::string SourceKey(const v1::IntegrationSource& source);

// The integration's own reference for the request, as it gave it: the idempotency key it submitted with (for Open311,
// the key intake derived from its external_id: "o311:<client>:t:<first 32 hex digits of SHA-256(external_id)>").
std::string RequestRef(const v1::Case& c);

}  // namespace gridcase::notify
