#include "libs/access/read_scope.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/access/masking.h"

namespace gridcase::access {
namespace {

// Which cases a role reads.
enum class Reads { kAll, kGrid, kCommunity, kTownship, kDepartmentHeld, kArea, kIntakeUnit };
// When it sees the residents unmasked.
enum class Contact { kAlways, kWhenHolding, kNever };

struct ReadRule {
  v1::Role role;
  Reads reads;
  Contact contact;
};

// The read table; read_scope.h has it in words.
constexpr ReadRule kReadRules[] = {
    {v1::ROLE_SYSTEM, Reads::kAll, Contact::kAlways},
    {v1::ROLE_GRID_WORKER, Reads::kGrid, Contact::kWhenHolding},
    {v1::ROLE_COMMUNITY, Reads::kCommunity, Contact::kWhenHolding},
    {v1::ROLE_TOWNSHIP_DISPATCHER, Reads::kTownship, Contact::kWhenHolding},
    {v1::ROLE_DEPARTMENT_HANDLER, Reads::kDepartmentHeld, Contact::kWhenHolding},
    {v1::ROLE_SUPERVISOR, Reads::kArea, Contact::kNever},
    {v1::ROLE_HOTLINE_OPERATOR, Reads::kIntakeUnit, Contact::kAlways},
};

const ReadRule* RuleOf(const Caller& caller) {
  if (caller.role == v1::ROLE_SYSTEM && !caller.service) return nullptr;  // Never a person's role.
  for (const ReadRule& rule : kReadRules) {
    if (rule.role == caller.role) return &rule;
  }
  return nullptr;
}

bool Reaches(const ReadRule& rule, const Caller& caller, const v1::Case& c) {
  const std::string& unit = caller.unit;
  if (rule.reads == Reads::kAll) return true;
  if (unit.empty()) return false;
  const v1::Location& at = c.location();
  switch (rule.reads) {
    case Reads::kAll:
      return true;
    case Reads::kGrid:
      return at.grid_code() == unit || c.holder_unit() == unit;
    case Reads::kCommunity:
      return at.community_code() == unit || c.holder_unit() == unit;
    case Reads::kTownship:
      return at.township_code() == unit || at.county_code() == unit || c.holder_unit() == unit;
    case Reads::kDepartmentHeld:
      if (c.department_code() == unit || c.holder_unit() == unit) return true;
      for (const std::string& held : c.departments_held()) {
        if (held == unit) return true;
      }
      return false;
    case Reads::kArea:
      return WithinArea(unit, AreaCodeOf(c)) || WithinArea(unit, c.holder_unit());
    case Reads::kIntakeUnit:
      return c.intake_unit() == unit;
  }
  return false;
}

}  // namespace

bool WithinArea(absl::string_view area_code, absl::string_view unit_code) {
  return !area_code.empty() && absl::StartsWith(unit_code, area_code);
}

const std::string& AreaCodeOf(const v1::Case& c) {
  const v1::Location& at = c.location();
  if (!at.grid_code().empty()) return at.grid_code();
  if (!at.community_code().empty()) return at.community_code();
  if (!at.township_code().empty()) return at.township_code();
  return at.county_code();
}

Visibility CaseVisibility(const Caller& caller, const v1::Case& c) {
  const ReadRule* rule = RuleOf(caller);
  if (rule == nullptr || !Reaches(*rule, caller, c)) return Visibility::kNone;
  switch (rule->contact) {
    case Contact::kAlways:
      return Visibility::kFull;
    case Contact::kWhenHolding:
      return !caller.unit.empty() && c.holder_unit() == caller.unit ? Visibility::kFull : Visibility::kMasked;
    case Contact::kNever:
      return Visibility::kMasked;
  }
  return Visibility::kNone;
}

std::string ScopeOf(const Caller& caller) {
  const ReadRule* rule = RuleOf(caller);
  if (rule == nullptr) return absl::StrCat("no cases (", RoleName(caller.role), caller.service ? "" : " as a person",
                                           ")");
  switch (rule->reads) {
    case Reads::kAll:
      return "every case";
    case Reads::kGrid:
      return absl::StrCat("grid ", caller.unit);
    case Reads::kCommunity:
      return absl::StrCat("community ", caller.unit);
    case Reads::kTownship:
      return absl::StrCat("township ", caller.unit);
    case Reads::kDepartmentHeld:
      return absl::StrCat("the cases department ", caller.unit, " holds or held");
    case Reads::kArea:
      return absl::StrCat("the area ", caller.unit);
    case Reads::kIntakeUnit:
      return absl::StrCat("the cases hotline centre ", caller.unit, " took");
  }
  return "no cases";
}

absl::Status CheckCanRead(const Caller& caller, const v1::Case& c) {
  if (CaseVisibility(caller, c) != Visibility::kNone) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("case ", c.id(), " is outside the scope of ", caller.Describe(),
                                                  ": ", ScopeOf(caller)));
}

absl::Status CheckCanReadQueue(const Caller& caller, absl::string_view unit_code) {
  const ReadRule* rule = RuleOf(caller);
  bool allowed = false;
  if (rule != nullptr) {
    switch (rule->reads) {
      case Reads::kAll:
        allowed = true;
        break;
      case Reads::kGrid:
      case Reads::kCommunity:
      case Reads::kTownship:
        // Grids and communities below; not the departments' queues (a township's stations are departments).
        allowed = unit_code == caller.unit ||
                  (WithinArea(caller.unit, unit_code) && unit_code.find('.') == absl::string_view::npos);
        break;
      case Reads::kArea:
        allowed = WithinArea(caller.unit, unit_code);
        break;
      case Reads::kDepartmentHeld:
      case Reads::kIntakeUnit:
        allowed = !caller.unit.empty() && unit_code == caller.unit;
        break;
    }
  }
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("the queue of ", unit_code, " is outside the scope of ",
                                                  caller.Describe(), ": ", ScopeOf(caller)));
}

absl::StatusOr<std::string> ReportArea(const Caller& caller, absl::string_view requested) {
  const ReadRule* rule = RuleOf(caller);
  if (rule != nullptr && rule->reads == Reads::kAll) return std::string(requested);
  bool area_role = rule != nullptr && (rule->reads == Reads::kArea || rule->reads == Reads::kGrid ||
                                       rule->reads == Reads::kCommunity || rule->reads == Reads::kTownship);
  if (area_role && !caller.unit.empty()) {
    if (requested.empty()) return caller.unit;
    if (WithinArea(caller.unit, requested)) return std::string(requested);
  }
  return absl::PermissionDeniedError(absl::StrCat("area: the statistics of ",
                                                  requested.empty() ? "every area" : requested,
                                                  " are outside the scope of ", caller.Describe(), ": ",
                                                  area_role ? absl::StrCat("the area ", caller.unit)
                                                            : "no area statistics"));
}

void ApplyVisibility(Visibility visibility, v1::Case& c) {
  if (visibility == Visibility::kMasked) MaskCase(c);
}

}  // namespace gridcase::access
