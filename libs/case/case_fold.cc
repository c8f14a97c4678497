#include "libs/case/case_fold.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gridcase::cases {
namespace {

using v1::Case;
using v1::CaseEvent;
using v1::CaseStatus;
using v1::Level;

// Raises the case to at least `level`; chain moves never lower the escalation level.
void RaiseLevel(Case& c, Level level) {
  if (c.level() < level) c.set_level(level);
}

// The queue that holds a case awaiting township dispatch: the county's once the case was escalated to the county and
// the county is known, the township's otherwise.
const std::string& DispatchHolder(const Case& c) {
  if (c.level() >= v1::LEVEL_COUNTY && !c.location().county_code().empty()) return c.location().county_code();
  return c.location().township_code();
}

// The most specific unit the case is placed in: grid, else community, else township.
const std::string& PlacementHolder(const Case& c) {
  const v1::Location& loc = c.location();
  if (!loc.grid_code().empty()) return loc.grid_code();
  if (!loc.community_code().empty()) return loc.community_code();
  return loc.township_code();
}

// Records that `department` holds the case now; each department is listed once.
void NoteDepartmentHeld(Case& c, const std::string& department) {
  for (const std::string& held : c.departments_held()) {
    if (held == department) return;
  }
  c.add_departments_held(department);
}

absl::Status Missing(const CaseEvent& event, absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), ": ", field, " is required"));
}

// The SLA service's events: they report on the case's clocks and never change the case's version.
bool IsAdvisoryPayload(CaseEvent::PayloadCase payload) {
  return payload == CaseEvent::kSlaWarned || payload == CaseEvent::kSlaBreached || payload == CaseEvent::kDeadlineSet;
}

absl::Status AdvisoryNotFolded(const CaseEvent& event) {
  return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(),
                                                 ": advisory events (case_version 0: SLA warnings, breaches and ",
                                                 "deadlines) are not folded"));
}

absl::Status FoldSubmitted(const CaseEvent& event, Case& c) {
  const v1::CaseSubmitted& p = event.submitted();
  if (!p.has_initial()) return Missing(event, "submitted.initial");
  if (p.initial().id() != event.case_id()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), ": submitted.initial.id \"",
                                                   p.initial().id(), "\" does not match case_id \"", event.case_id(),
                                                   "\""));
  }
  c = p.initial();
  c.set_status(v1::CASE_STATUS_SUBMITTED);
  if (!c.has_created_at()) *c.mutable_created_at() = event.occurred_at();
  if (c.level() == v1::LEVEL_UNSPECIFIED) c.set_level(v1::LEVEL_GRID);
  if (c.cycle() == 0) c.set_cycle(1);
  c.set_holder_unit(PlacementHolder(c));
  return absl::OkStatus();
}

absl::Status FoldGridVerified(const CaseEvent& event, Case& c) {
  const v1::GridVerified& p = event.grid_verified();
  if (p.grid_code().empty()) return Missing(event, "grid_verified.grid_code");
  if (p.community_code().empty()) return Missing(event, "grid_verified.community_code");
  if (p.township_code().empty()) return Missing(event, "grid_verified.township_code");
  v1::Location& loc = *c.mutable_location();
  loc.set_grid_code(p.grid_code());
  loc.set_community_code(p.community_code());
  loc.set_township_code(p.township_code());
  loc.set_needs_manual_grid(false);
  if (p.category() != v1::CATEGORY_UNSPECIFIED) c.set_category(p.category());
  c.set_category_suggested(false);
  if (!p.catalogue_item().empty()) c.set_catalogue_item(p.catalogue_item());
  if (c.emergency()) {
    c.set_status(v1::CASE_STATUS_AWAITING_DISPATCH);
    RaiseLevel(c, v1::LEVEL_TOWNSHIP);
    c.set_holder_unit(DispatchHolder(c));
  } else {
    c.set_status(v1::CASE_STATUS_AWAITING_COMMUNITY);
    RaiseLevel(c, v1::LEVEL_COMMUNITY);
    c.set_holder_unit(p.community_code());
  }
  return absl::OkStatus();
}

absl::Status FoldEscalated(const CaseEvent& event, Case& c) {
  const v1::CaseEscalated& p = event.escalated();
  if (p.to_level() == v1::LEVEL_UNSPECIFIED) return Missing(event, "escalated.to_level");
  if (p.to_unit_code().empty()) return Missing(event, "escalated.to_unit_code");
  const CaseStatus status = c.status();
  const bool before_dispatch = status == v1::CASE_STATUS_SUBMITTED || status == v1::CASE_STATUS_AWAITING_COMMUNITY ||
                               status == v1::CASE_STATUS_HANDLING_LOCALLY;
  if (p.to_level() == v1::LEVEL_COMMUNITY && status == v1::CASE_STATUS_SUBMITTED) {
    c.set_status(v1::CASE_STATUS_AWAITING_COMMUNITY);
  } else if (p.to_level() >= v1::LEVEL_TOWNSHIP && before_dispatch) {
    c.set_status(v1::CASE_STATUS_AWAITING_DISPATCH);
    // Taken from the community that paused it; a department that keeps working keeps its pause.
    c.set_paused(false);
  }
  c.set_level(p.to_level());
  c.set_holder_unit(p.to_unit_code());
  return absl::OkStatus();
}

// The residents sealed with an erased key read as erased; the sealed box goes (its key is gone anyway).
void EraseResident(const v1::PersonalDataErased& p, v1::Resident& r) {
  if (!r.has_sealed()) return;
  bool named = p.key_ids().empty();
  for (const std::string& id : p.key_ids()) named = named || id == r.sealed().key_id();
  if (!named) return;
  r.Clear();
  r.set_erased(true);
}

void FoldPersonalDataErased(const v1::PersonalDataErased& p, Case& c) {
  if (c.has_resident()) EraseResident(p, *c.mutable_resident());
  for (v1::Resident& r : *c.mutable_co_requesters()) EraseResident(p, r);
}

absl::Status FoldPayload(const CaseEvent& event, Case& c) {
  switch (event.payload_case()) {
    case CaseEvent::kSubmitted:
      return FoldSubmitted(event, c);

    case CaseEvent::kCoRequesterAdded:
      if (!event.co_requester_added().has_resident()) return Missing(event, "co_requester_added.resident");
      *c.add_co_requesters() = event.co_requester_added().resident();
      return absl::OkStatus();

    case CaseEvent::kGridVerified:
      return FoldGridVerified(event, c);

    case CaseEvent::kGridMarkedInvalid:
      c.set_status(v1::CASE_STATUS_INVALID);
      c.clear_holder_unit();
      return absl::OkStatus();

    case CaseEvent::kGridMarkedDuplicate:
      if (event.grid_marked_duplicate().duplicate_of().empty()) {
        return Missing(event, "grid_marked_duplicate.duplicate_of");
      }
      c.set_status(v1::CASE_STATUS_DUPLICATE);
      c.set_duplicate_of(event.grid_marked_duplicate().duplicate_of());
      c.clear_holder_unit();
      return absl::OkStatus();

    case CaseEvent::kCommunityHandledLocally:
      c.set_status(v1::CASE_STATUS_HANDLING_LOCALLY);
      RaiseLevel(c, v1::LEVEL_COMMUNITY);
      c.set_holder_unit(c.location().community_code());
      return absl::OkStatus();

    case CaseEvent::kCommunityEscalated:
      if (event.community_escalated().township_code().empty()) {
        return Missing(event, "community_escalated.township_code");
      }
      c.set_status(v1::CASE_STATUS_AWAITING_DISPATCH);
      RaiseLevel(c, v1::LEVEL_TOWNSHIP);
      c.set_holder_unit(event.community_escalated().township_code());
      c.set_paused(false);
      return absl::OkStatus();

    case CaseEvent::kTownshipDispatched: {
      const v1::TownshipDispatched& p = event.township_dispatched();
      if (p.department_code().empty()) return Missing(event, "township_dispatched.department_code");
      c.set_status(v1::CASE_STATUS_DISPATCHED);
      c.set_department_code(p.department_code());
      NoteDepartmentHeld(c, p.department_code());
      if (!p.catalogue_item().empty()) c.set_catalogue_item(p.catalogue_item());
      RaiseLevel(c, v1::LEVEL_TOWNSHIP);
      c.set_holder_unit(p.department_code());
      return absl::OkStatus();
    }

    case CaseEvent::kDepartmentAccepted:
      c.set_status(v1::CASE_STATUS_IN_PROGRESS);
      c.set_holder_unit(c.department_code());
      return absl::OkStatus();

    case CaseEvent::kDepartmentTransferred: {
      const std::string& to = event.department_transferred().to_department_code();
      if (to.empty()) return Missing(event, "department_transferred.to_department_code");
      c.set_status(v1::CASE_STATUS_DISPATCHED);
      c.set_department_code(to);
      NoteDepartmentHeld(c, to);
      c.set_holder_unit(to);
      c.set_paused(false);
      return absl::OkStatus();
    }

    case CaseEvent::kDepartmentReturned:
      c.set_status(v1::CASE_STATUS_AWAITING_DISPATCH);
      c.clear_department_code();
      c.set_holder_unit(DispatchHolder(c));
      c.set_paused(false);
      return absl::OkStatus();

    case CaseEvent::kExtensionRequested:
    case CaseEvent::kExtensionDecided:
    case CaseEvent::kResidentRated:
      // Recorded in the timeline only; an approved extension moves the due time in the SLA service, which announces
      // it with an advisory DeadlineSet.
      return absl::OkStatus();

    case CaseEvent::kPaused:
      c.set_paused(true);
      return absl::OkStatus();

    case CaseEvent::kResumed:
      c.set_paused(false);
      return absl::OkStatus();

    case CaseEvent::kResolved:
      c.set_status(v1::CASE_STATUS_RESOLVED);
      c.set_resolution_reply(event.resolved().reply());
      c.set_holder_unit(c.department_code().empty() ? c.location().community_code() : c.department_code());
      c.set_paused(false);
      return absl::OkStatus();

    case CaseEvent::kReopened: {
      const std::string& department = event.reopened().department_code();
      if (department.empty()) {
        // Resolved inside the community: it goes back to the community.
        c.set_status(v1::CASE_STATUS_HANDLING_LOCALLY);
        c.set_holder_unit(c.location().community_code());
      } else {
        c.set_status(v1::CASE_STATUS_DISPATCHED);
        c.set_department_code(department);
        NoteDepartmentHeld(c, department);
        c.set_holder_unit(department);
      }
      c.clear_resolution_reply();
      c.set_reopen_count(c.reopen_count() + 1);
      c.set_cycle(c.cycle() + 1);
      c.set_paused(false);
      return absl::OkStatus();
    }

    case CaseEvent::kEscalated:
      return FoldEscalated(event, c);

    case CaseEvent::kClosed:
      c.set_status(v1::CASE_STATUS_CLOSED);
      c.clear_holder_unit();
      c.set_paused(false);
      return absl::OkStatus();

    case CaseEvent::kPersonalDataErased:
      FoldPersonalDataErased(event.personal_data_erased(), c);
      return absl::OkStatus();

    case CaseEvent::kSlaWarned:
    case CaseEvent::kSlaBreached:
    case CaseEvent::kDeadlineSet:
      return AdvisoryNotFolded(event);

    case CaseEvent::PAYLOAD_NOT_SET:
      break;
  }
  return Missing(event, "payload");
}

}  // namespace

absl::StatusOr<v1::Case> ApplyEvent(const v1::Case& current, const v1::CaseEvent& event) {
  if (event.payload_case() == CaseEvent::PAYLOAD_NOT_SET) return Missing(event, "payload");
  if (event.case_version() == 0 || IsAdvisoryPayload(event.payload_case())) return AdvisoryNotFolded(event);
  if (event.case_version() != current.version() + 1) {
    return absl::FailedPreconditionError(absl::StrCat("event ", event.event_id(), " has case_version ",
                                                      event.case_version(), " but the case is at version ",
                                                      current.version(), "; expected ", current.version() + 1));
  }
  const bool submitted = event.payload_case() == CaseEvent::kSubmitted;
  if (submitted != (event.case_version() == 1)) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), ": version 1, and only version 1, ",
                                                   "carries CaseSubmitted (case_version ", event.case_version(), ")"));
  }
  if (event.case_id().empty()) return Missing(event, "case_id");
  if (!submitted && event.case_id() != current.id()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), ": case_id \"", event.case_id(),
                                                   "\" does not match case \"", current.id(), "\""));
  }
  if (!event.has_occurred_at()) return Missing(event, "occurred_at");

  Case next = current;
  if (absl::Status status = FoldPayload(event, next); !status.ok()) return status;
  next.set_version(event.case_version());
  *next.mutable_updated_at() = event.occurred_at();
  return next;
}

}  // namespace gridcase::cases
