#include "services/dispatch/core/case_machine.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "libs/events/proto_time.h"

namespace gridcase::dispatch {
namespace {

using v1::Actor;
using v1::Case;
using v1::CaseEvent;
using v1::CaseStatus;
using v1::Role;

// Which org unit an issuer must act for.
enum class Scope {
  kAny,         // No unit check: gridcase services and the hotline platform.
  kGrid,        // Grid worker of the case's grid; for a case without a grid, see CheckGridScope.
  kGridAssign,  // Township dispatcher placing a case that has no grid yet (manual grid assignment).
  kCommunity,   // The community that owns the case's grid.
  kTownship,    // The township that owns the case's community; the county too once the case is at county level.
  kDepartment,  // The department holding the case.
  kSupervisor,  // The case's township or its county.
};

using StateSet = uint32_t;
constexpr StateSet Bit(CaseStatus s) { return StateSet{1} << static_cast<int>(s); }

constexpr StateSet kSubmitted = Bit(v1::CASE_STATUS_SUBMITTED);
constexpr StateSet kAwaitingCommunity = Bit(v1::CASE_STATUS_AWAITING_COMMUNITY);
constexpr StateSet kHandlingLocally = Bit(v1::CASE_STATUS_HANDLING_LOCALLY);
constexpr StateSet kAwaitingDispatch = Bit(v1::CASE_STATUS_AWAITING_DISPATCH);
constexpr StateSet kDispatched = Bit(v1::CASE_STATUS_DISPATCHED);
constexpr StateSet kInProgress = Bit(v1::CASE_STATUS_IN_PROGRESS);
constexpr StateSet kResolved = Bit(v1::CASE_STATUS_RESOLVED);
constexpr StateSet kUnresolved =
    kSubmitted | kAwaitingCommunity | kHandlingLocally | kAwaitingDispatch | kDispatched | kInProgress;
constexpr StateSet kOpen = kUnresolved | kResolved;

// Whether a rule applies to a case waiting for the resident (Case.paused).
enum class Pause {
  kEither,
  kNotPaused,
  kPaused,
};

bool PauseAllows(Pause pause, bool paused) {
  switch (pause) {
    case Pause::kEither:
      return true;
    case Pause::kNotPaused:
      return !paused;
    case Pause::kPaused:
      return paused;
  }
  return false;
}

// One row of the issuer table: `role` may issue `kind` in `states` (plus `emergency_states` when the case is an
// emergency), acting for a unit within `scope`, on a case whose pause matches `pause`.
struct Rule {
  CommandKind kind;
  Role role;
  StateSet states;
  StateSet emergency_states;
  Scope scope;
  Pause pause = Pause::kEither;
};

// The issuer table. docs/CASE-STATE-MACHINE.md is its readable form; keep the two in step.
constexpr Rule kRules[] = {
    {CommandKind::kVerifyGrid, v1::ROLE_GRID_WORKER, kSubmitted, 0, Scope::kGrid},
    {CommandKind::kVerifyGrid, v1::ROLE_TOWNSHIP_DISPATCHER, kSubmitted, 0, Scope::kGridAssign},
    {CommandKind::kMarkInvalid, v1::ROLE_GRID_WORKER, kSubmitted, 0, Scope::kGrid},
    {CommandKind::kMarkInvalid, v1::ROLE_TOWNSHIP_DISPATCHER, kSubmitted, 0, Scope::kGridAssign},
    {CommandKind::kMarkDuplicate, v1::ROLE_GRID_WORKER, kSubmitted, 0, Scope::kGrid},
    {CommandKind::kMarkDuplicate, v1::ROLE_TOWNSHIP_DISPATCHER, kSubmitted, 0, Scope::kGridAssign},
    {CommandKind::kCommunityHandleLocally, v1::ROLE_COMMUNITY, kAwaitingCommunity, 0, Scope::kCommunity},
    {CommandKind::kCommunityEscalate, v1::ROLE_COMMUNITY, kAwaitingCommunity | kHandlingLocally, 0, Scope::kCommunity},
    {CommandKind::kTownshipDispatch, v1::ROLE_TOWNSHIP_DISPATCHER, kAwaitingDispatch, kSubmitted, Scope::kTownship},
    {CommandKind::kDepartmentAccept, v1::ROLE_DEPARTMENT_HANDLER, kDispatched, 0, Scope::kDepartment},
    {CommandKind::kDepartmentTransfer, v1::ROLE_DEPARTMENT_HANDLER, kDispatched | kInProgress, 0, Scope::kDepartment},
    {CommandKind::kDepartmentReturn, v1::ROLE_DEPARTMENT_HANDLER, kDispatched | kInProgress, 0, Scope::kDepartment},
    {CommandKind::kRequestExtension, v1::ROLE_DEPARTMENT_HANDLER, kInProgress, 0, Scope::kDepartment},
    {CommandKind::kDecideExtension, v1::ROLE_TOWNSHIP_DISPATCHER, kInProgress, 0, Scope::kTownship},
    {CommandKind::kResolve, v1::ROLE_DEPARTMENT_HANDLER, kInProgress, 0, Scope::kDepartment},
    {CommandKind::kResolve, v1::ROLE_COMMUNITY, kHandlingLocally, 0, Scope::kCommunity},
    {CommandKind::kClose, v1::ROLE_SUPERVISOR, kOpen, 0, Scope::kSupervisor},
    {CommandKind::kClose, v1::ROLE_SYSTEM, kOpen, 0, Scope::kAny},
    {CommandKind::kReopen, v1::ROLE_SYSTEM, kResolved, 0, Scope::kAny},
    {CommandKind::kEscalate, v1::ROLE_SYSTEM, kUnresolved, 0, Scope::kAny},
    {CommandKind::kEscalate, v1::ROLE_SUPERVISOR, kUnresolved, 0, Scope::kSupervisor},
    {CommandKind::kRate, v1::ROLE_SYSTEM, kResolved, 0, Scope::kAny},
    {CommandKind::kAddCoRequester, v1::ROLE_SYSTEM, kOpen, 0, Scope::kAny},
    {CommandKind::kPauseForResident, v1::ROLE_DEPARTMENT_HANDLER, kInProgress, 0, Scope::kDepartment,
     Pause::kNotPaused},
    {CommandKind::kPauseForResident, v1::ROLE_COMMUNITY, kHandlingLocally, 0, Scope::kCommunity, Pause::kNotPaused},
    {CommandKind::kResumeHandling, v1::ROLE_DEPARTMENT_HANDLER, kInProgress, 0, Scope::kDepartment, Pause::kPaused},
    {CommandKind::kResumeHandling, v1::ROLE_COMMUNITY, kHandlingLocally, 0, Scope::kCommunity, Pause::kPaused},
};

constexpr absl::string_view kCommandNames[] = {
    "VerifyGrid",
    "MarkInvalid",
    "MarkDuplicate",
    "CommunityHandleLocally",
    "CommunityEscalate",
    "TownshipDispatch",
    "DepartmentAccept",
    "DepartmentTransfer",
    "DepartmentReturn",
    "RequestExtension",
    "DecideExtension",
    "Resolve",
    "Close",
    "Reopen",
    "Escalate",
    "Rate",
    "AddCoRequester",
    "PauseForResident",
    "ResumeHandling",
};
static_assert(std::size(kCommandNames) == kCommandKindCount);

bool Blank(absl::string_view s) { return absl::StripAsciiWhitespace(s).empty(); }

absl::Status Required(absl::string_view field, absl::string_view value) {
  if (!Blank(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}

std::string RoleList(CommandKind kind) {
  std::vector<std::string> names;
  for (Role role : IssuerRoles(kind)) names.push_back(v1::Role_Name(role));
  return absl::StrJoin(names, ", ");
}

// The level a case is at, for cases recorded without one.
v1::Level EffectiveLevel(const Case& c) {
  if (c.level() != v1::LEVEL_UNSPECIFIED) return c.level();
  switch (c.status()) {
    case v1::CASE_STATUS_SUBMITTED:
      return v1::LEVEL_GRID;
    case v1::CASE_STATUS_AWAITING_COMMUNITY:
    case v1::CASE_STATUS_HANDLING_LOCALLY:
      return v1::LEVEL_COMMUNITY;
    default:
      return v1::LEVEL_TOWNSHIP;
  }
}

// Everything a command handler reads.
struct Context {
  const Case& c;
  const Actor& actor;
  const OrgDirectory& directory;

  const std::string& grid() const { return c.location().grid_code(); }
  const std::string& community() const { return c.location().community_code(); }
  std::string township() const {
    if (!c.location().township_code().empty()) return c.location().township_code();
    return directory.TownshipOfCommunity(community()).value_or("");
  }
  std::string county() const {
    if (!c.location().county_code().empty()) return c.location().county_code();
    return directory.CountyOfTownship(township()).value_or("");
  }
};

absl::Status Denied(const Context& ctx, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(v1::Role_Name(ctx.actor.role()), " of unit \"", ctx.actor.unit_code(),
                                                  "\" may not act on case ", ctx.c.id(), ": ", why));
}

// The grid a VerifyGrid command places the case in; empty for the other grid-level commands.
absl::string_view TargetGrid(const Command& command) {
  if (const auto* verify = std::get_if<VerifyGrid>(&command)) return verify->grid_code;
  return {};
}

absl::Status CheckGridScope(const Context& ctx, absl::string_view target_grid) {
  const std::string& unit = ctx.actor.unit_code();
  if (!ctx.grid().empty()) {
    if (unit == ctx.grid()) return absl::OkStatus();
    return Denied(ctx, absl::StrCat("the case is in grid ", ctx.grid()));
  }
  // A case without a grid: the worker may place it in their own grid, or act on it from a grid of its community
  // (or township, when the community is not known either).
  if (!target_grid.empty()) {
    if (unit == target_grid) return absl::OkStatus();
    return Denied(ctx, absl::StrCat("a grid worker places a case only in their own grid, not ", target_grid));
  }
  if (!ctx.community().empty()) {
    if (ctx.directory.CommunityOfGrid(unit) == ctx.community()) return absl::OkStatus();
    return Denied(ctx, absl::StrCat("the case is in community ", ctx.community()));
  }
  const std::string township = ctx.township();
  if (!township.empty() && ctx.directory.TownshipOfGrid(unit) == township) return absl::OkStatus();
  return Denied(ctx, absl::StrCat("the case has no grid and is not in the worker's township"));
}

absl::Status CheckGridAssignScope(const Context& ctx, absl::string_view target_grid) {
  if (!ctx.grid().empty()) {
    return Denied(ctx, absl::StrCat("the case is in grid ", ctx.grid(), ", whose grid worker verifies it"));
  }
  std::string township;
  if (!target_grid.empty()) {
    std::optional<std::string> of_grid = ctx.directory.TownshipOfGrid(target_grid);
    if (!of_grid) return absl::InvalidArgumentError(absl::StrCat("grid_code: unknown grid \"", target_grid, "\""));
    township = *of_grid;
  } else {
    township = ctx.township();
  }
  if (!township.empty() && ctx.actor.unit_code() == township) return absl::OkStatus();
  return Denied(ctx, absl::StrCat("the grid is placed by its township \"", township, "\""));
}

absl::Status CheckScope(const Context& ctx, Scope scope, const Command& command) {
  const std::string& unit = ctx.actor.unit_code();
  switch (scope) {
    case Scope::kAny:
      return absl::OkStatus();
    case Scope::kGrid:
      return CheckGridScope(ctx, TargetGrid(command));
    case Scope::kGridAssign:
      return CheckGridAssignScope(ctx, TargetGrid(command));
    case Scope::kCommunity:
      if (!ctx.community().empty() && unit == ctx.community()) return absl::OkStatus();
      return Denied(ctx, absl::StrCat("the case is in community \"", ctx.community(), "\""));
    case Scope::kTownship: {
      const std::string township = ctx.township();
      if (!township.empty() && unit == township) return absl::OkStatus();
      if (EffectiveLevel(ctx.c) >= v1::LEVEL_COUNTY) {
        const std::string county = ctx.county();
        if (!county.empty() && unit == county) return absl::OkStatus();
        return Denied(ctx, absl::StrCat("the case is with township \"", township, "\" and county \"", county, "\""));
      }
      return Denied(ctx, absl::StrCat("the case is with township \"", township, "\""));
    }
    case Scope::kDepartment:
      if (!ctx.c.department_code().empty() && unit == ctx.c.department_code()) return absl::OkStatus();
      return Denied(ctx, absl::StrCat("the case is held by department \"", ctx.c.department_code(), "\""));
    case Scope::kSupervisor: {
      const std::string township = ctx.township();
      if (!township.empty() && unit == township) return absl::OkStatus();
      const std::string county = ctx.county();
      if (!county.empty() && unit == county) return absl::OkStatus();
      return Denied(
          ctx, absl::StrCat("a supervisor acts for the case's township \"", township, "\" or county \"", county, "\""));
    }
  }
  return absl::InternalError("unknown scope");
}

absl::Status CheckDuration(absl::string_view field, absl::Duration d) {
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be a positive, finite duration"));
  }
  return absl::OkStatus();
}

// Builds the payload of `event` for each command, after the state, role and scope checks passed.
class PayloadBuilder {
 public:
  PayloadBuilder(const Context& ctx, CaseEvent& event) : ctx_(ctx), event_(event) {}

  absl::Status operator()(const VerifyGrid& cmd) {
    const std::string grid = cmd.grid_code.empty() ? ctx_.grid() : cmd.grid_code;
    if (grid.empty()) return absl::InvalidArgumentError("grid_code: required, the case has no grid");
    std::optional<std::string> community = ctx_.directory.CommunityOfGrid(grid);
    if (!community) return absl::InvalidArgumentError(absl::StrCat("grid_code: unknown grid \"", grid, "\""));
    std::optional<std::string> township = ctx_.directory.TownshipOfCommunity(*community);
    if (!township) {
      return absl::InvalidArgumentError(
          absl::StrCat("grid_code: grid ", grid, " lies in community ", *community, ", which has no township"));
    }
    v1::Category category = ctx_.c.category();
    if (cmd.category != v1::CATEGORY_UNSPECIFIED) {
      if (!v1::Category_IsValid(cmd.category)) {
        return absl::InvalidArgumentError(absl::StrCat("category: unknown value ", static_cast<int>(cmd.category)));
      }
      category = cmd.category;
    }
    if (category == v1::CATEGORY_UNSPECIFIED) {
      return absl::InvalidArgumentError("category: required, the case has none");
    }
    if (!cmd.catalogue_item.empty() && !ctx_.directory.DepartmentOfCatalogueItem(cmd.catalogue_item)) {
      return absl::InvalidArgumentError(absl::StrCat("catalogue_item: unknown item \"", cmd.catalogue_item, "\""));
    }
    v1::GridVerified& p = *event_.mutable_grid_verified();
    p.set_grid_code(grid);
    p.set_community_code(*community);
    p.set_township_code(*township);
    p.set_category(category);
    p.set_catalogue_item(cmd.catalogue_item.empty() ? ctx_.c.catalogue_item() : cmd.catalogue_item);
    p.set_note(cmd.note);
    return absl::OkStatus();
  }

  absl::Status operator()(const MarkInvalid& cmd) {
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    event_.mutable_grid_marked_invalid()->set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const MarkDuplicate& cmd) {
    if (absl::Status s = Required("duplicate_of", cmd.duplicate_of); !s.ok()) return s;
    if (cmd.duplicate_of == ctx_.c.id()) {
      return absl::InvalidArgumentError("duplicate_of: a case cannot duplicate itself");
    }
    v1::GridMarkedDuplicate& p = *event_.mutable_grid_marked_duplicate();
    p.set_duplicate_of(cmd.duplicate_of);
    p.set_note(cmd.note);
    return absl::OkStatus();
  }

  absl::Status operator()(const CommunityHandleLocally& cmd) {
    event_.mutable_community_handled_locally()->set_note(cmd.note);
    return absl::OkStatus();
  }

  absl::Status operator()(const CommunityEscalate& cmd) {
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    const std::string township = ctx_.township();
    if (township.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("case ", ctx_.c.id(), " has no township to escalate to"));
    }
    v1::CommunityEscalated& p = *event_.mutable_community_escalated();
    p.set_township_code(township);
    p.set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const TownshipDispatch& cmd) {
    if (!cmd.catalogue_item.empty() && !ctx_.directory.DepartmentOfCatalogueItem(cmd.catalogue_item)) {
      return absl::InvalidArgumentError(absl::StrCat("catalogue_item: unknown item \"", cmd.catalogue_item, "\""));
    }
    v1::TownshipDispatched& p = *event_.mutable_township_dispatched();
    p.set_note(cmd.note);
    if (!cmd.department_code.empty()) {
      if (!ctx_.directory.DepartmentExists(cmd.department_code)) {
        return absl::InvalidArgumentError(
            absl::StrCat("department_code: unknown department \"", cmd.department_code, "\""));
      }
      p.set_department_code(cmd.department_code);
      p.set_by_catalogue(false);
      p.set_catalogue_item(cmd.catalogue_item);
      return absl::OkStatus();
    }
    const std::string& item = cmd.catalogue_item.empty() ? ctx_.c.catalogue_item() : cmd.catalogue_item;
    if (item.empty()) {
      return absl::InvalidArgumentError(
          "catalogue_item: required to dispatch by the catalogue; give it, or a department_code");
    }
    std::optional<std::string> department = ctx_.directory.DepartmentOfCatalogueItem(item);
    if (!department) return absl::InvalidArgumentError(absl::StrCat("catalogue_item: unknown item \"", item, "\""));
    if (!ctx_.directory.DepartmentExists(*department)) {
      return absl::InvalidArgumentError(
          absl::StrCat("catalogue_item: item ", item, " names unknown department \"", *department, "\""));
    }
    p.set_department_code(*department);
    p.set_by_catalogue(true);
    p.set_catalogue_item(item);
    return absl::OkStatus();
  }

  absl::Status operator()(const DepartmentAccept& cmd) {
    event_.mutable_department_accepted()->set_handler_id(cmd.handler_id.empty() ? ctx_.actor.person_id()
                                                                                : cmd.handler_id);
    return absl::OkStatus();
  }

  absl::Status operator()(const DepartmentTransfer& cmd) {
    if (absl::Status s = Required("to_department_code", cmd.to_department_code); !s.ok()) return s;
    if (cmd.to_department_code == ctx_.c.department_code()) {
      return absl::InvalidArgumentError(
          absl::StrCat("to_department_code: the case is already with ", cmd.to_department_code));
    }
    if (!ctx_.directory.DepartmentExists(cmd.to_department_code)) {
      return absl::InvalidArgumentError(
          absl::StrCat("to_department_code: unknown department \"", cmd.to_department_code, "\""));
    }
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    v1::DepartmentTransferred& p = *event_.mutable_department_transferred();
    p.set_from_department_code(ctx_.c.department_code());
    p.set_to_department_code(cmd.to_department_code);
    p.set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const DepartmentReturn& cmd) {
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    v1::DepartmentReturned& p = *event_.mutable_department_returned();
    p.set_department_code(ctx_.c.department_code());
    p.set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const RequestExtension& cmd) {
    if (absl::Status s = CheckDuration("extra", cmd.extra); !s.ok()) return s;
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    v1::ExtensionRequested& p = *event_.mutable_extension_requested();
    *p.mutable_extra() = events::ToProtoDuration(cmd.extra);
    p.set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const DecideExtension& cmd) {
    v1::ExtensionDecided p;
    p.set_approved(cmd.approved);
    if (cmd.approved) {
      if (absl::Status s = CheckDuration("extra", cmd.extra); !s.ok()) return s;
      *p.mutable_extra() = events::ToProtoDuration(cmd.extra);
    } else if (absl::Status s = Required("note", cmd.note); !s.ok()) {
      return s;
    }
    p.set_note(cmd.note);
    *event_.mutable_extension_decided() = std::move(p);
    return absl::OkStatus();
  }

  absl::Status operator()(const Resolve& cmd) {
    if (absl::Status s = Required("reply", cmd.reply); !s.ok()) return s;
    v1::CaseResolved& p = *event_.mutable_resolved();
    p.set_reply(cmd.reply);
    p.set_contacted_resident(cmd.contacted_resident);
    return absl::OkStatus();
  }

  absl::Status operator()(const Close& cmd) {
    if (cmd.reason == v1::CaseClosed::REASON_UNSPECIFIED || !v1::CaseClosed::Reason_IsValid(cmd.reason)) {
      return absl::InvalidArgumentError(
          "reason: required, one of REASON_RATED, REASON_NOT_RATED, "
          "REASON_ADMINISTRATIVE");
    }
    if (cmd.reason != v1::CaseClosed::REASON_ADMINISTRATIVE && ctx_.actor.role() != v1::ROLE_SYSTEM) {
      // Ratings cannot be forged: a rated or not-rated close comes only from the feedback service.
      return absl::PermissionDeniedError(absl::StrCat(
          "Close with ", v1::CaseClosed::Reason_Name(cmd.reason), " comes only from the resident's rating or the "
          "not-rated timeout (the feedback service); ", v1::Role_Name(ctx_.actor.role()),
          " may close only with REASON_ADMINISTRATIVE"));
    }
    if (cmd.reason == v1::CaseClosed::REASON_ADMINISTRATIVE) {
      if (absl::Status s = Required("note", cmd.note); !s.ok()) return s;
    } else if (ctx_.c.status() != v1::CASE_STATUS_RESOLVED) {
      return absl::FailedPreconditionError(absl::StrCat("Close with ", v1::CaseClosed::Reason_Name(cmd.reason),
                                                        " needs a resolved case; case ", ctx_.c.id(), " is in state ",
                                                        v1::CaseStatus_Name(ctx_.c.status())));
    }
    v1::CaseClosed& p = *event_.mutable_closed();
    p.set_reason(cmd.reason);
    p.set_note(cmd.note);
    return absl::OkStatus();
  }

  absl::Status operator()(const Reopen& cmd) {
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    v1::CaseReopened& p = *event_.mutable_reopened();
    p.set_department_code(ctx_.c.department_code());
    p.set_reason(cmd.reason);
    p.set_cycle(ctx_.c.cycle() + 1);
    return absl::OkStatus();
  }

  absl::Status operator()(const Escalate& cmd) {
    const v1::Level from = EffectiveLevel(ctx_.c);
    v1::Level to = v1::LEVEL_UNSPECIFIED;
    std::string unit;
    if (from == v1::LEVEL_GRID && !ctx_.c.emergency() && !ctx_.community().empty()) {
      to = v1::LEVEL_COMMUNITY;
      unit = ctx_.community();
    } else if (from <= v1::LEVEL_COMMUNITY) {
      to = v1::LEVEL_TOWNSHIP;
      unit = ctx_.township();
    } else if (from == v1::LEVEL_TOWNSHIP) {
      to = v1::LEVEL_COUNTY;
      unit = ctx_.county();
    } else {
      return absl::FailedPreconditionError(
          absl::StrCat("case ", ctx_.c.id(), " is at ", v1::Level_Name(from), ", the top of the escalation ladder"));
    }
    if (unit.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("case ", ctx_.c.id(), " has no unit at ", v1::Level_Name(to), " to escalate to"));
    }
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    v1::CaseEscalated& p = *event_.mutable_escalated();
    p.set_from_level(from);
    p.set_to_level(to);
    p.set_to_unit_code(unit);
    p.set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const Rate& cmd) {
    if (cmd.satisfaction == v1::SATISFACTION_UNSPECIFIED || !v1::Satisfaction_IsValid(cmd.satisfaction)) {
      return absl::InvalidArgumentError("satisfaction: required");
    }
    v1::ResidentRated& p = *event_.mutable_resident_rated();
    p.set_satisfaction(cmd.satisfaction);
    p.set_problem_solved(cmd.problem_solved);
    p.set_comment(cmd.comment);
    p.set_cycle(ctx_.c.cycle());
    return absl::OkStatus();
  }

  absl::Status operator()(const AddCoRequester& cmd) {
    const v1::Resident& r = cmd.resident;
    if (Blank(r.name()) && Blank(r.phone()) && Blank(r.resident_id())) {
      return absl::InvalidArgumentError("resident: needs a name, phone or resident_id");
    }
    if (absl::Status s = Required("request_ref", cmd.request_ref); !s.ok()) return s;
    if (ctx_.c.co_requesters_size() >= CaseMachine::kMaxCoRequesters) {
      // Intake then opens a case of its own for the request: nothing is lost, the case stays bounded.
      return absl::FailedPreconditionError(absl::StrCat("case ", ctx_.c.id(), " has ", ctx_.c.co_requesters_size(),
                                                        " co-requesters, the most one case takes"));
    }
    v1::CoRequesterAdded& p = *event_.mutable_co_requester_added();
    *p.mutable_resident() = r;
    p.set_request_ref(cmd.request_ref);
    p.set_text(cmd.text);
    return absl::OkStatus();
  }

  absl::Status operator()(const PauseForResident& cmd) {
    if (absl::Status s = Required("reason", cmd.reason); !s.ok()) return s;
    event_.mutable_paused()->set_reason(cmd.reason);
    return absl::OkStatus();
  }

  absl::Status operator()(const ResumeHandling& cmd) {
    event_.mutable_resumed()->set_note(cmd.note);
    return absl::OkStatus();
  }

 private:
  const Context& ctx_;
  CaseEvent& event_;
};

template <size_t... I>
Command DefaultCommand(CommandKind kind, std::index_sequence<I...>) {
  Command command;
  ((static_cast<size_t>(kind) == I ? (command.emplace<I>(), 0) : 0), ...);
  return command;
}

// The command of `kind` with every field empty: what the scope checks see of a command not yet written.
Command DefaultCommand(CommandKind kind) {
  return DefaultCommand(kind, std::make_index_sequence<kCommandKindCount>());
}

}  // namespace

absl::string_view CommandKindName(CommandKind kind) { return kCommandNames[static_cast<int>(kind)]; }

std::vector<v1::Role> IssuerRoles(CommandKind kind) {
  std::vector<v1::Role> roles;
  for (const Rule& rule : kRules) {
    if (rule.kind == kind && std::find(roles.begin(), roles.end(), rule.role) == roles.end()) {
      roles.push_back(rule.role);
    }
  }
  return roles;
}

std::vector<CommandKind> CaseMachine::AllowedCommands(const v1::Case& current, const v1::Actor& actor) const {
  std::vector<CommandKind> allowed;
  if (actor.role() != v1::ROLE_SYSTEM && Blank(actor.person_id())) return allowed;
  const Context ctx{current, actor, directory_};
  const StateSet status = Bit(current.status());
  for (int k = 0; k < kCommandKindCount; ++k) {
    const auto kind = static_cast<CommandKind>(k);
    const Command command = DefaultCommand(kind);
    for (const Rule& rule : kRules) {
      const StateSet states = rule.states | (current.emergency() ? rule.emergency_states : 0);
      if (rule.kind != kind || rule.role != actor.role() || (states & status) == 0 ||
          !PauseAllows(rule.pause, current.paused())) {
        continue;
      }
      // Decide checks the scope of the first matching rule only.
      if (CheckScope(ctx, rule.scope, command).ok()) allowed.push_back(kind);
      break;
    }
  }
  return allowed;
}

absl::StatusOr<v1::CaseEvent> CaseMachine::Decide(const v1::Case& current, const Command& command,
                                                  const v1::Actor& actor, int64_t expected_version,
                                                  absl::Time now) const {
  const CommandKind kind = KindOf(command);
  const absl::string_view name = CommandKindName(kind);
  if (expected_version != current.version()) {
    return absl::AbortedError(absl::StrCat(name, " on case ", current.id(), " expected version ", expected_version,
                                           " but the case is at version ", current.version()));
  }

  bool role_issues = false;
  StateSet allowed = 0;
  for (const Rule& rule : kRules) {
    if (rule.kind != kind) continue;
    allowed |= rule.states | (current.emergency() ? rule.emergency_states : 0);
    role_issues |= rule.role == actor.role();
  }
  if (!role_issues) {
    return absl::PermissionDeniedError(
        absl::StrCat(v1::Role_Name(actor.role()), " may not issue ", name, "; it is issued by ", RoleList(kind)));
  }
  if (actor.role() != v1::ROLE_SYSTEM && Blank(actor.person_id())) {
    return absl::InvalidArgumentError(absl::StrCat("actor.person_id: required for ", v1::Role_Name(actor.role())));
  }

  const CaseStatus status = current.status();
  if ((allowed & Bit(status)) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is not allowed in state ", v1::CaseStatus_Name(status), " (case ", current.id(), ")"));
  }
  // The pause is part of the state: a command no rule allows for the case's pause is FAILED_PRECONDITION, whoever
  // issues it.
  bool pause_allowed = false;
  for (const Rule& r : kRules) {
    const StateSet states = r.states | (current.emergency() ? r.emergency_states : 0);
    if (r.kind == kind && (states & Bit(status)) != 0) pause_allowed |= PauseAllows(r.pause, current.paused());
  }
  if (!pause_allowed) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is not allowed in state ", v1::CaseStatus_Name(status),
                                                      ": case ", current.id(),
                                                      current.paused() ? " is already paused" : " is not paused"));
  }
  const Rule* rule = nullptr;
  for (const Rule& r : kRules) {
    const StateSet states = r.states | (current.emergency() ? r.emergency_states : 0);
    if (r.kind == kind && r.role == actor.role() && (states & Bit(status)) != 0 &&
        PauseAllows(r.pause, current.paused())) {
      rule = &r;
      break;
    }
  }
  if (rule == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(v1::Role_Name(actor.role()), " may not issue ", name, " in state ", v1::CaseStatus_Name(status)));
  }

  const Context ctx{current, actor, directory_};
  if (absl::Status s = CheckScope(ctx, rule->scope, command); !s.ok()) return s;

  CaseEvent event;
  if (absl::Status s = std::visit(PayloadBuilder(ctx, event), command); !s.ok()) return s;
  const int64_t version = current.version() + 1;
  event.set_event_id(absl::StrCat(current.id(), "/", version));
  event.set_case_id(current.id());
  event.set_case_version(version);
  *event.mutable_occurred_at() = events::ToProto(now);
  *event.mutable_actor() = actor;
  return event;
}

}  // namespace gridcase::dispatch
