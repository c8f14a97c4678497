#pragma once

#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::dispatch {

// The commands of the 六单联办 chain, one struct each. Who may issue each one, in which states, and the event it
// produces are in docs/CASE-STATE-MACHINE.md and in the rule table of case_machine.cc. Text fields documented as
// required must hold something other than whitespace.

// 网格核单: grid verification. The grid worker confirms the case; a non-empty field corrects the case's value.
// grid_code is required when the case has no grid yet (manual grid assignment).
struct VerifyGrid {
  std::string grid_code;
  v1::Category category = v1::CATEGORY_UNSPECIFIED;
  std::string catalogue_item;
  std::string note;
};

// Grid verification found the request invalid (not a governance matter, a prank, unintelligible). reason required.
struct MarkInvalid {
  std::string reason;
};

// Grid verification found the request a repeat of another open case (重复件). duplicate_of required, not this case.
struct MarkDuplicate {
  std::string duplicate_of;
  std::string note;
};

// 村/社区下单, handled inside the community (小事不出村).
struct CommunityHandleLocally {
  std::string note;
};

// 村/社区下单, sent up to the township dispatch centre. reason required.
struct CommunityEscalate {
  std::string reason;
};

// 乡镇/街道派单. With department_code empty the department comes from the dispatch catalogue (直派), using
// catalogue_item when given and the case's item otherwise; with department_code set it is a manual choice.
struct TownshipDispatch {
  std::string department_code;
  std::string catalogue_item;
  std::string note;
};

// 部门接单. handler_id defaults to the actor's person_id.
struct DepartmentAccept {
  std::string handler_id;
};

// 转办: the department hands the case to another department. to_department_code and reason required.
struct DepartmentTransfer {
  std::string to_department_code;
  std::string reason;
};

// 退单: the department sends the case back to the township dispatch centre. reason required.
struct DepartmentReturn {
  std::string reason;
};

// 延期: the department asks for more working time. extra > 0 and reason required.
struct RequestExtension {
  absl::Duration extra;
  std::string reason;
};

// The township's answer to an extension request. Approval needs extra > 0; denial needs a note.
struct DecideExtension {
  bool approved = false;
  absl::Duration extra;
  std::string note;
};

// 办结: the handler replies to the resident. reply required.
struct Resolve {
  std::string reply;
  bool contacted_resident = false;
};

// Closes the case. REASON_RATED and REASON_NOT_RATED close a resolved case; REASON_ADMINISTRATIVE closes any open
// case and needs a note.
struct Close {
  v1::CaseClosed::Reason reason = v1::CaseClosed::REASON_UNSPECIFIED;
  std::string note;
};

// The resident was dissatisfied: the resolved case goes back to whoever resolved it, in a new cycle. reason required.
struct Reopen {
  std::string reason;
};

// 提级: moves the case one rung up the escalation ladder (grid → community → township → county; an emergency case
// goes from grid or community straight to the township). reason required.
struct Escalate {
  std::string reason;
};

// 群众评单: records the resident's rating of the current cycle. satisfaction required.
struct Rate {
  v1::Satisfaction satisfaction = v1::SATISFACTION_UNSPECIFIED;
  bool problem_solved = false;
  std::string comment;
};

// Links a later request to this open case as a duplicate (重复件). The resident needs a name, phone or
// resident_id; request_ref required.
struct AddCoRequester {
  v1::Resident resident;
  std::string request_ref;
  std::string text;
};

// 挂起: handling waits for the resident (access to the home, documents); the SLA clocks pause until ResumeHandling.
// Issued by whoever is handling the case, when it is not paused already. reason required.
struct PauseForResident {
  std::string reason;
};

// Ends a pause: handling continues and the SLA clocks run again. Only for a paused case.
struct ResumeHandling {
  std::string note;
};

// The alternatives' order is the order of CommandKind.
using Command = std::variant<VerifyGrid, MarkInvalid, MarkDuplicate, CommunityHandleLocally, CommunityEscalate,
                             TownshipDispatch, DepartmentAccept, DepartmentTransfer, DepartmentReturn, RequestExtension,
                             DecideExtension, Resolve, Close, Reopen, Escalate, Rate, AddCoRequester, PauseForResident,
                             ResumeHandling>;

enum class CommandKind {
  kVerifyGrid,
  kMarkInvalid,
  kMarkDuplicate,
  kCommunityHandleLocally,
  kCommunityEscalate,
  kTownshipDispatch,
  kDepartmentAccept,
  kDepartmentTransfer,
  kDepartmentReturn,
  kRequestExtension,
  kDecideExtension,
  kResolve,
  kClose,
  kReopen,
  kEscalate,
  kRate,
  kAddCoRequester,
  kPauseForResident,
  kResumeHandling,
};
inline constexpr int kCommandKindCount = static_cast<int>(CommandKind::kResumeHandling) + 1;
static_assert(std::variant_size_v<Command> == kCommandKindCount);

inline CommandKind KindOf(const Command& command) { return static_cast<CommandKind>(command.index()); }

// The command's name as written in the state table ("VerifyGrid", "DepartmentTransfer", ...).
absl::string_view CommandKindName(CommandKind kind);

}  // namespace gridcase::dispatch
