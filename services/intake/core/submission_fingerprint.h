#pragma once

#include <string>

#include "gridcase/v1/intake.pb.h"
#include "libs/privacy/personal_data.h"

namespace gridcase::intake {

// What a submission asks for, as a hex SHA-256 of its meaningful fields (channel, idempotency key, resident, title,
// text, point, address, catalogue item, media URLs) in a fixed, length-prefixed encoding: equal requests give equal
// fingerprints in every process and version; a request that differs in any of these fields gives another. Stored
// with the idempotency record, it tells a retry of a request from a different request under the same key.
// With `personal_data` the hash is keyed (PersonalData::Fingerprint, HMAC-SHA-256 under a key derived from the index
// key), because the request holds the resident's name and phone and an unkeyed hash of them is found by trying every
// phone number; without it (tests of other parts) plain SHA-256.
std::string SubmissionFingerprint(const v1::SubmitCaseRequest& request,
                                  const privacy::PersonalData* personal_data = nullptr);

}  // namespace gridcase::intake
