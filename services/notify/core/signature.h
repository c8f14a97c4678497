#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::notify {

// The signature of a callback: "v1=" and the lowercase hex HMAC-SHA256, under the integration's secret, of
// `timestamp` (decimal Unix seconds, as sent in X-Gridcase-Timestamp), a ".", and the body's bytes.
std::string SignCallback(absl::string_view secret, absl::string_view timestamp, absl::string_view body);

// Constant-time check of a received X-Gridcase-Signature against the expected one (what a receiver does).
bool SignatureMatches(absl::string_view secret, absl::string_view timestamp, absl::string_view body,
                      absl::string_view signature);

}  // namespace gridcase::notify
