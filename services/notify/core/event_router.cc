#include "services/notify/core/event_router.h"

#include "absl/strings/str_cat.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"
#include "libs/faults/crash_point.h"
#include "services/notify/core/case_source.h"
#include "services/notify/core/planner.h"

namespace gridcase::notify {

absl::StatusOr<EventRouter::Outcome> EventRouter::Route(const v1::CaseEvent& event) {
  if (event.case_version() == 0) {
    if (event.has_deadline_set() && event.deadline_set().clock() == v1::CLOCK_KIND_COMPLETION &&
        !event.deadline_set().stopped()) {
      if (absl::Status s = cases_->SetDue(event.case_id(), event.deadline_set().cycle(),
                                          events::FromProto(event.deadline_set().due_at()));
          !s.ok()) {
        return s;
      }
      return Outcome::kApplied;
    }
    return Outcome::kIgnored;
  }
  auto state = cases_->Load(event.case_id());
  if (!state.ok()) return state.status();
  if (event.case_version() <= state->version) return Outcome::kDuplicate;
  if (event.case_version() > state->version + 1) {
    // A case notify never saw begin (its submitted event was written before notify's group existed and has been
    // trimmed from its view) would wait for ever; only a case whose version 1 is known can be followed.
    return Outcome::kWaitForEarlier;
  }
  auto after = cases::ApplyEvent(state->case_view, event);
  if (!after.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event ", event.event_id(), " does not apply to its case: ", after.status().message()));
  }
  CaseState next = *state;
  next.version = event.case_version();
  next.case_view = *std::move(after);
  if (event.has_submitted()) next.source = SourceOfSubmission(event);
  std::optional<absl::Time> due;
  if (next.due && next.due_cycle == next.case_view.cycle()) due = next.due;

  auto integrations = integrations_->List();
  if (!integrations.ok()) return integrations.status();
  const absl::Time now = now_();
  std::vector<Outbound> planned;
  if (now - events::FromProto(event.occurred_at()) <= max_age_) {
    planned = PlanDeliveries(event, next.case_view, next.source, due, *integrations);
  }
  for (const Outbound& outbound : planned) {
    if (auto added = queue_->Enqueue(outbound, now); !added.ok()) return added.status();
  }
  faults::CrashPoint("notify.after_enqueue");
  auto saved = cases_->Save(next);
  if (!saved.ok()) return saved.status();
  // Not saved: another member of the group applied this version meanwhile (a rebalance); its deliveries are the same.
  return *saved ? Outcome::kApplied : Outcome::kDuplicate;
}

}  // namespace gridcase::notify
