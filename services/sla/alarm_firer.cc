#include "services/sla/alarm_firer.h"

#include <map>
#include <optional>

#include "libs/events/codec.h"
#include "libs/log/log.h"
#include "services/sla/sla_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

std::vector<TimerOutcome> AlarmFirer::HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now) {
  SlaMetrics& metrics = SlaMetrics::Get();
  std::vector<TimerOutcome> outcomes(timers.size());

  // Parse the members and load every case they concern in one round trip.
  std::vector<std::optional<AlarmId>> ids(timers.size());
  std::vector<std::string> case_ids;
  std::map<std::string, size_t> case_index;
  for (size_t i = 0; i < timers.size(); ++i) {
    absl::StatusOr<AlarmId> id = AlarmId::FromMember(timers[i].member);
    if (!id.ok()) {
      spdlog::error("msg=timer_dropped member={} error={}", log::Quote(timers[i].member),
                    log::Quote(id.status().ToString()));
      metrics.timers_dropped.Increment();
      continue;  // kDone: a malformed member can never fire.
    }
    if (case_index.try_emplace(id->case_id, case_ids.size()).second) case_ids.push_back(id->case_id);
    ids[i] = *std::move(id);
  }
  absl::StatusOr<std::vector<StoredCase>> cases = cases_->LoadMany(case_ids);
  if (!cases.ok()) {
    spdlog::warn("msg=timer_retry timers={} error={}", timers.size(), log::Quote(cases.status().ToString()));
    for (size_t i = 0; i < timers.size(); ++i) {
      if (ids[i].has_value()) outcomes[i] = {TimerOutcome::Kind::kRetryAt, now + retry_backoff_};
    }
    return outcomes;
  }

  struct Firing {
    size_t index;
    const AlarmId* id;
    absl::Time at;
    const v1::Case* c;
  };
  std::vector<Firing> firing;
  std::vector<v1::CaseEvent> events;
  for (size_t i = 0; i < timers.size(); ++i) {
    if (!ids[i].has_value()) continue;
    const AlarmId& id = *ids[i];
    const StoredCase& stored = (*cases)[case_index.at(id.case_id)];
    FireDecision decision = planner_->Decide(stored.state, stored.fired, id, now);
    switch (decision.kind) {
      case FireDecision::Kind::kDrop:
        spdlog::info("msg=timer_dropped case_id={} alarm={} reason={}", id.case_id, timers[i].member,
                     log::Quote(decision.reason));
        metrics.timers_dropped.Increment();
        break;
      case FireDecision::Kind::kLater:
        outcomes[i] = {TimerOutcome::Kind::kRetryAt, decision.at};
        break;
      case FireDecision::Kind::kFire:
        firing.push_back({i, &id, decision.at, &stored.state.case_()});
        events.push_back(std::move(decision.event));
        break;
    }
  }
  if (events.empty()) return outcomes;

  // Publish the batch, then record as fired what was published, in one round trip.
  std::vector<absl::Status> published = sink_->PublishAll(events);
  std::vector<std::pair<std::string, std::string>> fired;
  for (size_t k = 0; k < firing.size(); ++k) {
    if (published[k].ok()) fired.emplace_back(firing[k].id->case_id, firing[k].id->FiredKey());
  }
  const absl::Status recorded = cases_->MarkFired(fired);
  for (size_t k = 0; k < firing.size(); ++k) {
    const Firing& f = firing[k];
    const absl::Status status = published[k].ok() ? recorded : published[k];
    if (!status.ok()) {
      spdlog::warn("msg=alarm_retry case_id={} alarm={} error={}", f.id->case_id, f.id->Member(),
                   log::Quote(status.ToString()));
      outcomes[f.index] = {TimerOutcome::Kind::kRetryAt, now + retry_backoff_};
      continue;
    }
    const v1::CaseEvent& event = events[k];
    const absl::Duration lateness = now_() - f.at;
    metrics.firing_lateness.Observe(absl::ToDoubleSeconds(lateness));
    if (event.has_sla_warned()) {
      metrics.fired_warnings.Increment();
    } else if (f.id->name == "breach") {
      metrics.fired_breaches.Increment();
    } else {
      metrics.fired_escalations.Increment();
    }
    spdlog::info("msg=alarm_fired case_id={} event_id={} type={} lateness_ms={}", f.id->case_id, event.event_id(),
                 events::EventType(event), absl::ToInt64Milliseconds(lateness));
    if (broadcaster_ != nullptr) broadcaster_->Publish(MakeAlert(event, *f.c));
  }
  return outcomes;
}

}  // namespace gridcase::sla
