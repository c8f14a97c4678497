#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::testing {

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end a row. Returns the
// rows of fields, the header row included.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text);

// ParseCsv over the file at `path`; NOT_FOUND when it cannot be read.
absl::StatusOr<std::vector<std::vector<std::string>>> ReadCsvFile(const std::string& path);

}  // namespace gridcase::testing
