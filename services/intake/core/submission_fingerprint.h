#pragma once

#include <string>

#include "gridcase/v1/intake.pb.h"

namespace gridcase::intake {

// What a submission asks for, as a hex SHA-256 of its meaningful fields (channel, idempotency key, resident, title,
// text, point, address, catalogue item, media URLs) in a fixed, length-prefixed encoding: equal requests give equal
// fingerprints in every process and version; a request that differs in any of these fields gives another. Stored
// with the idempotency record, it tells a retry of a request from a different request under the same key.
std::string SubmissionFingerprint(const v1::SubmitCaseRequest& request);

}  // namespace gridcase::intake
