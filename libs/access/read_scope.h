#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "libs/access/caller.h"

namespace gridcase::access {

// What a caller may see of one case.
enum class Visibility {
  kNone,    // Outside the caller's scope: the case is not shown at all.
  kMasked,  // In scope; the residents' names, phones and exact location are masked (masking.h).
  kFull,    // In scope, and the caller must contact the resident: shown unmasked.
};

// The read table: which cases each role reads, and when it sees the residents unmasked. docs/SECURITY.md is its
// readable form; read_scope_test checks every row against it.
//
// | role                | reads the cases…                                              | unmasked when…          |
// | system (service)    | all                                                           | always                  |
// | grid_worker         | of its grid, or that it holds                                 | it holds the case       |
// | community           | of its community, or that it holds                            | it holds the case       |
// | township_dispatcher | of its township (or county, for the county's dispatch centre) | it holds the case       |
// | department_handler  | its department holds or held                                  | it holds the case       |
// | supervisor          | located within its area (code prefix)                         | never                   |
// | hotline_operator    | its hotline centre took                                       | always                  |
// | resident, unset     | none (residents use their one-time rating code)               | —                       |
Visibility CaseVisibility(const Caller& caller, const v1::Case& c);

// OK when the caller may see the case; PERMISSION_DENIED naming the caller's scope otherwise.
absl::Status CheckCanRead(const Caller& caller, const v1::Case& c);

// The caller's scope in words, for errors: "grid 330199001001001", "the area 330199", "every case".
std::string ScopeOf(const Caller& caller);

// Whether the caller may read the work queue of `unit_code`: its own unit's; an area role (grid, community,
// township) also those of the grids and communities below it; a supervisor every unit within its area; a service
// any. PERMISSION_DENIED naming the scope otherwise.
absl::Status CheckCanReadQueue(const Caller& caller, absl::string_view unit_code);

// The area whose statistics the caller may read, for a report request naming `requested` (empty: the caller's
// whole scope): a service any; a supervisor, township dispatcher, community or grid worker its own unit's area or one
// within it. PERMISSION_DENIED naming the scope for an area outside it, and for the roles that read no area
// statistics (department handlers, hotline operators, residents).
absl::StatusOr<std::string> ReportArea(const Caller& caller, absl::string_view requested);

// Whether `unit_code` lies within the area `area_code` (the same code or one below it: codes are hierarchical
// prefixes, 330199 ⊃ 330199001 ⊃ 330199001001; a department "330199001.pcs" lies within its township).
bool WithinArea(absl::string_view area_code, absl::string_view unit_code);

// The case's most specific location code: grid, else community, else township, else county.
const std::string& AreaCodeOf(const v1::Case& c);

// Shows `c` as `visibility` allows: kMasked masks it in place (MaskCase); kFull leaves it.
void ApplyVisibility(Visibility visibility, v1::Case& c);

}  // namespace gridcase::access
