#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::feedback {

// One-time rating codes (评价码) sent to the resident: 8 characters from an alphabet without look-alikes
// (no 0/O, 1/I), 40 random bits from the system's CSPRNG.
inline constexpr int kRatingCodeLength = 8;
std::string NewRatingCode();

// The code as typed (any case, spaces and dashes ignored) in canonical form.
std::string NormalizeRatingCode(absl::string_view code);

// What is stored: hex SHA-256 of the case id and the canonical code. The code itself is never stored or logged.
std::string HashRatingCode(absl::string_view case_id, absl::string_view code);

}  // namespace gridcase::feedback
