#include "services/feedback/core/hot_spot.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "services/feedback/core/contribution.h"

namespace gridcase::feedback {

std::vector<Burst> FindBursts(std::vector<CaseTime> cases, const std::vector<absl::Time>& raised,
                              const HotSpotPolicy& policy) {
  std::sort(cases.begin(), cases.end(),
            [](const CaseTime& a, const CaseTime& b) { return a.at != b.at ? a.at < b.at : a.case_id < b.case_id; });
  const absl::Duration w = policy.window;
  std::vector<Burst> bursts;
  absl::Time next_allowed = absl::InfinitePast();
  for (size_t i = 0; i < cases.size(); ++i) {
    const absl::Time t = cases[i].at;
    if (t < next_allowed) continue;
    bool blocked = false;
    for (absl::Time s : raised) {
      if ((s <= t && t < s + w) || (t < s && s < t + w)) {
        next_allowed = std::max(next_allowed, s + w);
        blocked = true;
      }
    }
    if (blocked) continue;
    Burst burst;
    burst.start = t;
    for (size_t j = i; j < cases.size() && cases[j].at < t + w; ++j) burst.cases.push_back(cases[j]);
    if (static_cast<int>(burst.cases.size()) >= policy.threshold) {
      next_allowed = t + w;
      bursts.push_back(std::move(burst));
    }
  }
  return bursts;
}

bool AlertCovers(const std::vector<absl::Time>& raised, absl::Time t, const HotSpotPolicy& policy) {
  return std::any_of(raised.begin(), raised.end(), [&](absl::Time s) { return t - policy.window < s && s <= t; });
}

absl::StatusOr<std::vector<v1::HotSpotAlert>> HotSpotWatch::Check(const CaseFacts& facts) {
  std::vector<v1::HotSpotAlert> raised_now;
  const v1::Case& c = facts.current;
  const bool eligible = facts.known && facts.verified && !facts.invalid_at.has_value() &&
                        !facts.duplicate_at.has_value() && !c.location().grid_code().empty() &&
                        !c.catalogue_item().empty();
  if (!eligible) return raised_now;
  const std::string& grid = c.location().grid_code();
  const std::string& item = c.catalogue_item();
  absl::MutexLock serialized(&stripes_[absl::HashOf(grid, item) % kStripes]);
  const absl::Duration w = policy_.window;
  const absl::Time t = facts.submitted_at;
  auto windows = store_->Range(AlertedSet(grid, item), absl::ToUnixSeconds(t - 4 * w), absl::ToUnixSeconds(t + 3 * w));
  if (!windows.ok()) return windows.status();
  std::vector<absl::Time> raised;
  for (const ScoredMember& m : *windows) raised.push_back(absl::FromUnixSeconds(static_cast<int64_t>(m.score)));
  // The sets hold whole seconds.
  if (AlertCovers(raised, absl::FromUnixSeconds(absl::ToUnixSeconds(t)), policy_)) return raised_now;
  auto members = store_->Range(HotSpotSet(grid, item), absl::ToUnixSeconds(t - 2 * w), absl::ToUnixSeconds(t + 2 * w));
  if (!members.ok()) return members.status();
  std::vector<CaseTime> cases;
  for (const ScoredMember& m : *members)
    cases.push_back({m.member, absl::FromUnixSeconds(static_cast<int64_t>(m.score))});
  for (const Burst& burst : FindBursts(cases, raised, policy_)) {
    bool includes_case =
        std::any_of(burst.cases.begin(), burst.cases.end(), [&](const CaseTime& ct) { return ct.case_id == c.id(); });
    if (!includes_case) continue;
    v1::HotSpotAlert alert;
    alert.set_alert_id(absl::StrCat(grid, "/", item, "/", absl::ToUnixSeconds(burst.start)));
    alert.set_grid_code(grid);
    alert.set_community_code(c.location().community_code());
    alert.set_township_code(c.location().township_code());
    alert.set_catalogue_item(item);
    alert.set_case_count(static_cast<int32_t>(burst.cases.size()));
    alert.set_threshold(policy_.threshold);
    alert.mutable_window()->set_seconds(absl::ToInt64Seconds(w));
    *alert.mutable_window_start() = events::ToProto(burst.start);
    *alert.mutable_last_case_at() = events::ToProto(burst.cases.back().at);
    for (const CaseTime& ct : burst.cases) alert.add_case_ids(ct.case_id);
    *alert.mutable_raised_at() = events::ToProto(now_());
    if (absl::Status s = sink_->Publish(alert); !s.ok()) return s;
    auto recorded = store_->RecordAlert(alert);
    if (!recorded.ok()) return recorded.status();
    raised_now.push_back(std::move(alert));
  }
  return raised_now;
}

}  // namespace gridcase::feedback
