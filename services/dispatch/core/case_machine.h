#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "services/dispatch/core/command.h"
#include "services/dispatch/core/org_directory.h"

namespace gridcase::dispatch {

// The case state machine of the 六单联办 chain: decides whether a command is allowed on a case and, if so, the one
// event that records it. It neither stores nor publishes anything; folding the event (gridcase::cases::ApplyEvent)
// gives the next case. The table of states, commands, issuers and results is docs/CASE-STATE-MACHINE.md.
//
// Thread-safety: Decide is const and may be called concurrently, as long as the OrgDirectory allows it.
class CaseMachine {
 public:
  // The most co-requesters (重复件) one case takes; AddCoRequester beyond it is FAILED_PRECONDITION.
  static constexpr int kMaxCoRequesters = 200;

  // `directory` must outlive the machine.
  explicit CaseMachine(const OrgDirectory& directory) : directory_(directory) {}

  // Returns the event for `command` issued by `actor` at `now` against `current`, which the caller read at
  // `expected_version`. The event has event_id "<case_id>/<version>", case_version current.version() + 1,
  // occurred_at `now` and the actor; the caller fills correlation_id.
  //
  // Errors, checked in this order:
  // - ABORTED: expected_version != current.version() (the message names both).
  // - PERMISSION_DENIED: the actor's role never issues this command.
  // - INVALID_ARGUMENT "actor.person_id": a person's role without a person id (ROLE_SYSTEM needs none).
  // - FAILED_PRECONDITION: the command is not allowed in the case's state (the message names the state), or not
  //   while the case is paused or not paused (the message also says "already paused" or "not paused").
  // - PERMISSION_DENIED: the role does not issue the command in this state, or the actor's unit is outside its
  //   scope (grid worker of another grid, community not owning the grid, township not owning the community,
  //   department not holding the case, supervisor outside the case's township and county).
  // - Then the command's own checks: INVALID_ARGUMENT for a missing or wrong field, the message starting with the
  //   field's name; FAILED_PRECONDITION when the case cannot take the command as given (an escalation past the top
  //   rung, a rated close of an unresolved case, a case with no unit to send it to).
  absl::StatusOr<v1::CaseEvent> Decide(const v1::Case& current, const Command& command, const v1::Actor& actor,
                                       int64_t expected_version, absl::Time now) const;

  // The commands `actor` may issue on `current` now, in the order of CommandKind: those whose rule lets the actor's
  // role issue them in the case's state and pause, with the actor's unit within the rule's scope — the checks Decide
  // makes before a command's own fields. A command listed may still be refused for its fields (a missing reason, an
  // escalation past the top rung); a command not listed is refused by Decide with PERMISSION_DENIED or
  // FAILED_PRECONDITION whatever its fields. For a case without a grid, VerifyGrid is listed for the grid workers of
  // the case's community (a worker may also place it in their own grid by naming it). Empty for a person's role
  // without a person id.
  std::vector<CommandKind> AllowedCommands(const v1::Case& current, const v1::Actor& actor) const;

 private:
  const OrgDirectory& directory_;
};

// The roles that issue `kind` in at least one state, in the order of the rule table.
std::vector<v1::Role> IssuerRoles(CommandKind kind);

}  // namespace gridcase::dispatch
