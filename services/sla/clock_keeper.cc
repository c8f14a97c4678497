#include "services/sla/clock_keeper.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/events/codec.h"
#include "libs/kafka/case_wait.h"
#include "libs/log/log.h"
#include "services/sla/sla_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

absl::Status ClockKeeper::HandleRecord(const kafka::Message& message) {
  absl::StatusOr<v1::CaseEvent> event = events::ParseEvent(message.value);
  if (!event.ok()) return event.status();
  absl::Status status = Handle(*event);
  if (status.ok() && event->case_version() > 0) {
    spdlog::debug("msg=event_applied case_id={} version={} type={} topic={} partition={} offset={}", event->case_id(),
                  event->case_version(), events::EventType(*event), message.topic, message.partition, message.offset);
  }
  return status;
}

absl::Status ClockKeeper::Handle(const v1::CaseEvent& event) {
  if (event.case_version() == 0) return absl::OkStatus();
  if (event.case_version() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("case_version: ", event.case_version(), " is negative"));
  }
  const std::string& case_id = event.case_id();
  if (case_id.find_first_of("|/{}") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("case_id: '", case_id, "' contains one of | / { }"));
  }
  absl::StatusOr<StoredCase> stored = cases_->Load(case_id);
  if (!stored.ok()) return stored.status();
  if (stored->version > 0 && stored->done < stored->version) {
    if (absl::Status status = RunEffects(case_id, stored->version, stored->state, stored->fired, /*all_clocks=*/false);
        !status.ok()) {
      return status;
    }
    spdlog::info("msg=effects_redone case_id={} version={}", case_id, stored->version);
  }
  if (event.case_version() <= stored->version) return absl::OkStatus();
  if (event.case_version() > stored->version + 1) {
    return kafka::WaitForEarlierRecord(absl::StrCat("case ", case_id, " is at version ", stored->version,
                                                    "; waiting for version ", stored->version + 1, " before ",
                                                    event.case_version()));
  }

  std::vector<std::string> notes;
  absl::StatusOr<v1::SlaCaseState> after = planner_->Apply(stored->state, event, &notes);
  if (!after.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event ", event.event_id(), " cannot apply: ", after.status().message()));
  }
  for (const std::string& note : notes) {
    spdlog::warn("msg=clock_operation_skipped case_id={} version={} note={}", case_id, event.case_version(),
                 log::Quote(note));
  }
  absl::StatusOr<bool> saved = cases_->Save(case_id, event.case_version(), *after);
  if (!saved.ok()) return saved.status();
  if (!*saved) return absl::UnavailableError(absl::StrCat("case ", case_id, " changed concurrently; retrying"));
  SlaMetrics::Get().events_applied.Increment();
  return RunEffects(case_id, event.case_version(), *after, stored->fired, /*all_clocks=*/false);
}

absl::Status ClockKeeper::RunEffects(const std::string& case_id, int64_t version, const v1::SlaCaseState& state,
                                     const absl::flat_hash_set<std::string>& fired, bool all_clocks) {
  std::vector<v1::CaseEvent> deadlines(state.pending_deadlines().begin(), state.pending_deadlines().end());
  if (!deadlines.empty()) {
    std::vector<absl::Status> published = sink_->PublishAll(deadlines);
    for (const absl::Status& status : published) {
      if (!status.ok()) {
        return absl::UnavailableError(
            absl::StrCat("case ", case_id, " version ", version, ": DeadlineSet not published: ", status.message()));
      }
    }
    SlaMetrics::Get().deadlines_published.Increment(static_cast<double>(deadlines.size()));
  }

  TimerPlan plan = planner_->Timers(state, fired, all_clocks);
  std::vector<std::pair<std::string, absl::Time>> arm;
  std::vector<std::string> cancel;
  for (const PlannedAlarm& alarm : plan.arm) arm.emplace_back(alarm.id.Member(), alarm.at);
  for (const AlarmId& id : plan.cancel) cancel.push_back(id.Member());
  absl::StatusOr<int64_t> armed =
      effects_->Complete(case_id, version, arm, cancel, planner_->DueEntries(state, all_clocks));
  if (!armed.ok()) return armed.status();
  SlaMetrics::Get().timers_armed.Increment(static_cast<double>(*armed));
  if (!deadlines.empty() || !arm.empty() || !cancel.empty()) {
    spdlog::info("msg=clocks_planned case_id={} version={} deadlines={} armed={} cancelled={}", case_id, version,
                 deadlines.size(), arm.size(), cancel.size());
  }
  return absl::OkStatus();
}

}  // namespace gridcase::sla
