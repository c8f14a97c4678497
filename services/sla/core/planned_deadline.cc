#include "services/sla/core/planned_deadline.h"

#include "services/sla/core/clock.h"

namespace gridcase::sla {

absl::StatusOr<PlannedDeadline> PlannedCompletionDue(const SlaPolicy& policy, const WorkingCalendar& calendar,
                                                     v1::Category category, bool emergency, absl::Time submitted_at) {
  absl::StatusOr<ClockSpec> spec = policy.CompletionClock(category, emergency);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<Clock> clock = Clock::Create(*spec);
  if (!clock.ok()) return clock.status();
  if (absl::Status status = clock->Start(submitted_at); !status.ok()) return status;
  const ClockReading reading = clock->ReadAt(calendar, submitted_at);
  return PlannedDeadline{.due = reading.due, .used_fallback = reading.used_fallback};
}

}  // namespace gridcase::sla
