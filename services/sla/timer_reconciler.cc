#include "services/sla/timer_reconciler.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "libs/log/log.h"
#include "services/sla/sla_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::sla {

absl::StatusOr<int64_t> TimerReconciler::RunOnce() {
  int64_t rearmed = 0;
  int64_t clocks = 0;
  for (int offset = 0;; offset += options_.page) {
    absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> entries =
        due_->Range(absl::InfinitePast(), absl::InfiniteFuture(), offset, options_.page);
    if (!entries.ok()) return entries.status();
    if (entries->empty()) break;
    clocks += static_cast<int64_t>(entries->size());

    // The cases of this page, each once; a member is "<case>|<clock>|<cycle>".
    std::vector<std::string> case_ids;
    absl::flat_hash_set<std::string> seen;
    for (const auto& [member, due] : *entries) {
      std::string case_id = member.substr(0, member.find('|'));
      if (seen.insert(case_id).second) case_ids.push_back(std::move(case_id));
    }
    absl::StatusOr<std::vector<StoredCase>> cases = cases_->LoadMany(case_ids);
    if (!cases.ok()) return cases.status();

    std::vector<std::pair<std::string, absl::Time>> wanted;
    for (const StoredCase& stored : *cases) {
      if (stored.version == 0 || stored.done < stored.version) continue;  // Unknown, or the keeper's to finish.
      for (const PlannedAlarm& alarm : planner_->Timers(stored.state, stored.fired, /*all_clocks=*/true).arm) {
        wanted.emplace_back(alarm.id.Member(), alarm.at);
      }
    }
    absl::StatusOr<std::vector<std::string>> armed = timers_->ArmMissing(wanted);
    if (!armed.ok()) return armed.status();

    absl::flat_hash_set<std::string> clocks_armed;
    for (const std::string& member : *armed) {
      absl::StatusOr<AlarmId> id = AlarmId::FromMember(member);
      if (!id.ok()) continue;
      if (clocks_armed.insert(absl::StrCat(id->case_id, "|", ClockKey(id->clock_id, id->cycle))).second) {
        spdlog::warn("msg=clock_rearmed case_id={} clock={} cycle={}", id->case_id, id->clock_id, id->cycle);
      }
    }
    rearmed += static_cast<int64_t>(clocks_armed.size());
    SlaMetrics::Get().clocks_rearmed.Increment(static_cast<double>(clocks_armed.size()));
    if (static_cast<int>(entries->size()) < options_.page) break;
  }
  spdlog::info("msg=timers_reconciled clocks={} rearmed={}", clocks, rearmed);
  return rearmed;
}

void TimerReconciler::Run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, absl::ToChronoNanoseconds(options_.every), [&] { return stopping_; })) return;
    }
    if (absl::StatusOr<int64_t> rearmed = RunOnce(); !rearmed.ok()) {
      SlaMetrics::Get().reconcile_errors.Increment();
      spdlog::warn("msg=reconcile_failed error={}", log::Quote(rearmed.status().ToString()));
    }
  }
}

void TimerReconciler::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  wake_.notify_all();
}

}  // namespace gridcase::sla
