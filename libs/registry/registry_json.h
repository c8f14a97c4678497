#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/registry/org_registry.h"

namespace gridcase::registry {

// The value of the registry file's "format" field; docs/REGISTRY.md describes the file.
inline constexpr char kRegistryFormat[] = "gridcase.registry.v1";

// Parses and validates a registry JSON document (docs/REGISTRY.md). INVALID_ARGUMENT names the first offending field
// by its JSON path, e.g. "grids[17].polygon: needs at least 3 vertices", "people[4].phone: not a mainland mobile
// number …", "communities[3].township_code: unknown township 330199099"; malformed JSON reports the parser's line and
// column. Unknown fields are errors, so a misspelt field is not silently ignored.
absl::StatusOr<std::shared_ptr<const OrgRegistry>> RegistryFromJson(absl::string_view text);

// Reads `path` and parses it as RegistryFromJson does; errors are prefixed with the path. NOT_FOUND when the file
// cannot be read.
absl::StatusOr<std::shared_ptr<const OrgRegistry>> LoadRegistry(const std::string& path);

}  // namespace gridcase::registry
