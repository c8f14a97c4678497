#include "services/feedback/core/memory_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"

namespace gridcase::feedback {

absl::StatusOr<std::optional<v1::FeedbackCaseState>> MemoryFeedbackStore::LoadCase(const std::string& case_id) {
  std::lock_guard lock(mu_);
  auto it = cases_.find(case_id);
  if (it == cases_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::vector<v1::FeedbackCaseState>> MemoryFeedbackStore::LoadCases(
    const std::vector<std::string>& case_ids) {
  std::lock_guard lock(mu_);
  std::vector<v1::FeedbackCaseState> out;
  for (const std::string& id : case_ids) {
    if (auto it = cases_.find(id); it != cases_.end()) out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<bool> MemoryFeedbackStore::CommitCase(const std::string& case_id, int64_t expected_revision,
                                                     const v1::FeedbackCaseState& next, const StatDelta& delta,
                                                     const CaseEffects& effects) {
  std::lock_guard lock(mu_);
  auto it = cases_.find(case_id);
  int64_t current = it == cases_.end() ? 0 : it->second.revision();
  if (current != expected_revision) return false;
  cases_[case_id] = next;
  for (const auto& [key, fields] : delta.counters) {
    rows_[key.first].insert(key.second);
    std::map<std::string, int64_t>& row = counters_[key];
    for (const auto& [name, value] : fields) {
      if ((row[name] += value) == 0) row.erase(name);
    }
    if (row.empty()) counters_.erase(key);
  }
  for (const v1::StatMember& m : delta.remove) sets_[m.set()].erase(m.member());
  for (const v1::StatMember& m : delta.add) sets_[m.set()][m.member()] = m.score();
  if (effects.open_slot.has_value()) OpenSlotLocked(*effects.open_slot);
  for (const Scheduled& s : effects.schedule) schedule_[s.member] = s.at;
  return true;
}

absl::StatusOr<std::vector<std::string>> MemoryFeedbackStore::Rows(const std::string& period) {
  std::lock_guard lock(mu_);
  auto it = rows_.find(period);
  if (it == rows_.end()) return std::vector<std::string>{};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

absl::StatusOr<std::vector<std::map<std::string, int64_t>>> MemoryFeedbackStore::ReadRows(
    const std::string& period, const std::vector<std::string>& rows) {
  std::lock_guard lock(mu_);
  std::vector<std::map<std::string, int64_t>> out;
  for (const std::string& row : rows) {
    auto it = counters_.find({period, row});
    out.push_back(it == counters_.end() ? std::map<std::string, int64_t>{} : it->second);
  }
  return out;
}

absl::StatusOr<std::vector<ScoredMember>> MemoryFeedbackStore::Range(const std::string& set, double min, double max) {
  std::lock_guard lock(mu_);
  std::vector<ScoredMember> out;
  if (auto it = sets_.find(set); it != sets_.end()) {
    for (const auto& [member, score] : it->second) {
      if (score >= min && score <= max) out.push_back({member, score});
    }
  }
  std::sort(out.begin(), out.end(), [](const ScoredMember& a, const ScoredMember& b) {
    return a.score != b.score ? a.score < b.score : a.member < b.member;
  });
  return out;
}

absl::StatusOr<std::vector<ScoredMember>> MemoryFeedbackStore::RevRange(const std::string& set, int64_t offset,
                                                                        int64_t count) {
  std::lock_guard lock(mu_);
  std::vector<ScoredMember> all;
  if (auto it = sets_.find(set); it != sets_.end()) {
    for (const auto& [member, score] : it->second) all.push_back({member, score});
  }
  std::sort(all.begin(), all.end(), [](const ScoredMember& a, const ScoredMember& b) {
    return a.score != b.score ? a.score > b.score : a.member > b.member;
  });
  std::vector<ScoredMember> out;
  for (int64_t i = offset; i < static_cast<int64_t>(all.size()) && i < offset + count; ++i) out.push_back(all[i]);
  return out;
}

absl::StatusOr<bool> MemoryFeedbackStore::RecordAlert(const v1::HotSpotAlert& alert) {
  std::lock_guard lock(mu_);
  if (alerts_.contains(alert.alert_id())) return false;
  alerts_[alert.alert_id()] = alert;
  sets_[AlertedSet(alert.grid_code(), alert.catalogue_item())][alert.alert_id()] =
      static_cast<double>(alert.window_start().seconds());
  return true;
}

absl::StatusOr<std::vector<v1::HotSpotAlert>> MemoryFeedbackStore::ListAlerts(absl::Time from, absl::Time to) {
  std::lock_guard lock(mu_);
  std::vector<v1::HotSpotAlert> out;
  for (const auto& [id, alert] : alerts_) {
    absl::Time start = events::FromProto(alert.window_start());
    if (start >= from && start < to) out.push_back(alert);
  }
  std::sort(out.begin(), out.end(), [](const v1::HotSpotAlert& a, const v1::HotSpotAlert& b) {
    return a.window_start().seconds() != b.window_start().seconds()
               ? a.window_start().seconds() < b.window_start().seconds()
               : a.alert_id() < b.alert_id();
  });
  return out;
}

void MemoryFeedbackStore::OpenSlotLocked(const SlotOpening& opening) {
  auto it = slots_.find(opening.case_id);
  if (it != slots_.end() && it->second.slot.cycle >= opening.cycle) return;
  Slot slot;
  slot.slot.case_id = opening.case_id;
  slot.slot.cycle = opening.cycle;
  slot.slot.resolved_at = opening.resolved_at;
  slot.slot.deadline = opening.deadline;
  slot.slot.resolver = opening.resolver;
  slots_[opening.case_id] = slot;
  schedule_[SettleMember(opening.case_id, opening.cycle)] = opening.deadline;
}

absl::Status MemoryFeedbackStore::OpenSlot(const SlotOpening& opening, absl::Time now) {
  std::lock_guard lock(mu_);
  OpenSlotLocked(opening);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RatingSlot>> MemoryFeedbackStore::LoadSlot(const std::string& case_id) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(case_id);
  if (it == slots_.end()) return std::nullopt;
  return it->second.slot;
}

absl::StatusOr<bool> MemoryFeedbackStore::SetCode(const std::string& case_id, int cycle, const std::string& code_hash) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(case_id);
  if (it == slots_.end() || it->second.slot.cycle != cycle || it->second.slot.state != RatingSlot::State::kOpen) {
    return false;
  }
  it->second.code_hash = code_hash;
  it->second.slot.has_code = true;
  it->second.slot.failures = 0;
  return true;
}

absl::StatusOr<std::pair<ClaimResult, int>> MemoryFeedbackStore::Claim(const std::string& case_id,
                                                                       const std::string& code_hash,
                                                                       const GivenRating& rating, absl::Time now,
                                                                       absl::Time recheck_at, int max_attempts) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(case_id);
  if (it == slots_.end()) return std::make_pair(ClaimResult::kWrongCode, 0);
  Slot& s = it->second;
  const int cycle = s.slot.cycle;
  if (s.code_hash.empty() || s.code_hash != code_hash) {
    if (!s.code_hash.empty() && ++s.slot.failures >= max_attempts) {
      s.code_hash.clear();
      s.slot.has_code = false;
    }
    return std::make_pair(ClaimResult::kWrongCode, cycle);
  }
  if (s.slot.state == RatingSlot::State::kClaimed) return std::make_pair(ClaimResult::kRatedAlready, cycle);
  if (s.slot.state == RatingSlot::State::kExpired || now > s.slot.deadline) {
    return std::make_pair(ClaimResult::kWindowClosed, cycle);
  }
  s.slot.state = RatingSlot::State::kClaimed;
  s.slot.satisfaction = rating.satisfaction;
  s.slot.problem_solved = rating.problem_solved;
  s.slot.comment = rating.comment;
  schedule_[SettleMember(case_id, cycle)] = recheck_at;
  return std::make_pair(ClaimResult::kClaimed, cycle);
}

absl::StatusOr<bool> MemoryFeedbackStore::Expire(const std::string& case_id, int cycle, absl::Time now) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(case_id);
  if (it == slots_.end() || it->second.slot.cycle != cycle || it->second.slot.state != RatingSlot::State::kOpen ||
      now < it->second.slot.deadline) {
    return false;
  }
  it->second.slot.state = RatingSlot::State::kExpired;
  return true;
}

absl::Status MemoryFeedbackStore::Schedule(const std::string& member, absl::Time at) {
  std::lock_guard lock(mu_);
  schedule_[member] = at;
  return absl::OkStatus();
}

absl::Status MemoryFeedbackStore::Unschedule(const std::string& member) {
  std::lock_guard lock(mu_);
  schedule_.erase(member);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> MemoryFeedbackStore::TakeDue(absl::Time now, absl::Duration lease, int limit) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<absl::Time, std::string>> due;
  for (const auto& [member, at] : schedule_) {
    if (at <= now) due.emplace_back(at, member);
  }
  std::sort(due.begin(), due.end());
  std::vector<std::string> out;
  for (const auto& [at, member] : due) {
    if (static_cast<int>(out.size()) >= limit) break;
    schedule_[member] = now + lease;
    out.push_back(member);
  }
  return out;
}

std::optional<absl::Time> MemoryFeedbackStore::ScheduledAt(const std::string& member) {
  std::lock_guard lock(mu_);
  auto it = schedule_.find(member);
  if (it == schedule_.end()) return std::nullopt;
  return it->second;
}

CounterDelta MemoryFeedbackStore::Counters() {
  std::lock_guard lock(mu_);
  return counters_;
}

}  // namespace gridcase::feedback
