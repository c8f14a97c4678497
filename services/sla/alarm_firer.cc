#include "services/sla/alarm_firer.h"

#include <map>
#include <optional>

#include "libs/events/codec.h"
#include "libs/events/proto_time.h"
#include "libs/faults/crash_point.h"
#include "libs/log/log.h"
#include "services/sla/sla_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

std::vector<TimerOutcome> AlarmFirer::HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now,
                                                absl::Time publish_by) {
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
      if (ids[i].has_value()) outcomes[i] = {TimerOutcome::Kind::kRetryAt, now + retry_backoff_, true};
    }
    return outcomes;
  }
  auto stored_of = [&](const AlarmId& id) -> const StoredCase& { return (*cases)[case_index.at(id.case_id)]; };

  // Timers of interrupted claims, not recorded as fired: their alarm may be on the topic. Look there first.
  std::vector<bool> settled(timers.size(), false);
  std::map<std::string, v1::CaseEvent> found;
  {
    absl::flat_hash_set<std::string> look_cases;
    absl::flat_hash_set<std::string> look_ids;
    absl::Time since = absl::InfiniteFuture();
    for (size_t i = 0; i < timers.size(); ++i) {
      if (!ids[i].has_value() || !timers[i].earlier_claim.has_value()) continue;
      if (stored_of(*ids[i]).fired.contains(ids[i]->FiredKey())) continue;
      look_cases.insert(ids[i]->case_id);
      look_ids.insert(ids[i]->EventId());
      since = std::min(since, *timers[i].earlier_claim);
    }
    if (!look_ids.empty()) {
      absl::StatusOr<std::map<std::string, v1::CaseEvent>> on_topic =
          published_->Find(look_cases, look_ids, since - kClaimClockSlack);
      if (on_topic.ok()) {
        found = *std::move(on_topic);
      } else {
        spdlog::warn("msg=timer_retry step=find_published timers={} error={}", look_ids.size(),
                     log::Quote(on_topic.status().ToString()));
        for (size_t i = 0; i < timers.size(); ++i) {
          if (ids[i].has_value() && look_ids.contains(ids[i]->EventId())) {
            outcomes[i] = {TimerOutcome::Kind::kRetryAt, now + retry_backoff_, true};
            settled[i] = true;
          }
        }
      }
    }
  }

  struct Firing {
    size_t index;
    const AlarmId* id;
    absl::Time at;
    const v1::Case* c;
    bool on_topic;  // Found published by an earlier claim: record only.
  };
  std::vector<Firing> firing;
  std::vector<v1::CaseEvent> events;
  for (size_t i = 0; i < timers.size(); ++i) {
    if (!ids[i].has_value() || settled[i]) continue;
    const AlarmId& id = *ids[i];
    const StoredCase& stored = stored_of(id);
    if (auto it = found.find(id.EventId()); it != found.end()) {
      firing.push_back({i, &id, events::FromProto(it->second.occurred_at()), &stored.state.case_(), true});
      events.push_back(it->second);
      continue;
    }
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
        firing.push_back({i, &id, decision.at, &stored.state.case_(), false});
        events.push_back(std::move(decision.event));
        break;
    }
  }
  if (events.empty()) return outcomes;

  // Publish the new alarms while the claim is young enough for the publish to settle within the lease; otherwise
  // hand them back, due at once.
  std::vector<absl::Status> published(events.size(), absl::OkStatus());
  std::vector<bool> deferred(events.size(), false);
  std::vector<v1::CaseEvent> to_publish;
  std::vector<size_t> publish_index;
  for (size_t k = 0; k < firing.size(); ++k) {
    if (firing[k].on_topic) continue;
    publish_index.push_back(k);
    to_publish.push_back(events[k]);
  }
  if (!to_publish.empty()) {
    if (now_() < publish_by) {
      std::vector<absl::Status> statuses = sink_->PublishAll(to_publish);
      bool any = false;
      for (size_t j = 0; j < publish_index.size(); ++j) {
        published[publish_index[j]] = statuses[j];
        any = any || statuses[j].ok();
      }
      // The window this firer exists to survive: on the topic, not yet recorded.
      if (any) faults::CrashPoint("sla.after_alarm_publish");
    } else {
      spdlog::warn("msg=publish_deferred timers={} reason=\"claim too old to publish within its lease\"",
                   to_publish.size());
      for (size_t k : publish_index) {
        published[k] = absl::DeadlineExceededError("claim too old to publish");
        deferred[k] = true;
        outcomes[firing[k].index] = {TimerOutcome::Kind::kRetryAt, now_()};
      }
    }
  }

  // Record as fired what is on the topic, in one round trip.
  std::vector<std::pair<std::string, std::string>> fired;
  for (size_t k = 0; k < firing.size(); ++k) {
    if (published[k].ok()) fired.emplace_back(firing[k].id->case_id, firing[k].id->FiredKey());
  }
  const absl::Status recorded = cases_->MarkFired(fired);
  for (size_t k = 0; k < firing.size(); ++k) {
    const Firing& f = firing[k];
    const v1::CaseEvent& event = events[k];
    if (deferred[k]) continue;
    const absl::Status status = published[k].ok() ? recorded : published[k];
    if (!status.ok()) {
      spdlog::warn("msg=alarm_retry case_id={} alarm={} error={}", f.id->case_id, f.id->Member(),
                   log::Quote(status.ToString()));
      // Published, or perhaps published: the intent stays so that the next claim looks on the topic first.
      outcomes[f.index] = {TimerOutcome::Kind::kRetryAt, now + retry_backoff_, true};
      continue;
    }
    if (f.on_topic) {
      metrics.alarms_found_published.Increment();
      spdlog::info("msg=alarm_found_published case_id={} event_id={} type={}", f.id->case_id, event.event_id(),
                   events::EventType(event));
    } else {
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
    }
    if (broadcaster_ != nullptr) broadcaster_->Publish(MakeAlert(event, *f.c));
  }
  return outcomes;
}

}  // namespace gridcase::sla
