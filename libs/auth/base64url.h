#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::auth {

// Base64url (RFC 4648 §5) without padding, as JWS compact serialisation uses it (RFC 7515 §2).
std::string Base64UrlEncode(absl::string_view bytes);

// Strict inverse of Base64UrlEncode: rejects padding, whitespace, characters outside [A-Za-z0-9_-], a length of
// 1 mod 4 and non-zero trailing bits, so each byte string has exactly one accepted encoding.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace gridcase::auth
