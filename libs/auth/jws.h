#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/es256.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {

// A JWS in compact serialisation (RFC 7515 §7.1), split and decoded but not yet verified.
struct CompactJws {
  nlohmann::json header;     // a JSON object
  nlohmann::json payload;    // a JSON object (the JWT claims set)
  std::string signing_input; // "<header b64>.<payload b64>", the bytes the signature covers
  std::string signature;     // decoded signature bytes
};

// Splits and decodes `token`. Errors (InvalidArgument) say which part is wrong and why; they never echo the token.
absl::StatusOr<CompactJws> ParseCompactJws(absl::string_view token);

// Signs `payload` under `header` (which must name alg ES256) with `key`; returns the compact serialisation.
absl::StatusOr<std::string> SignCompactJws(const nlohmann::json& header, const nlohmann::json& payload,
                                           const Es256Key& key);

}  // namespace gridcase::auth
