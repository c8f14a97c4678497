#include "services/feedback/core/stats_recorder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "services/feedback/core/rating_store.h"

namespace gridcase::feedback {
namespace {

bool Counted(const v1::CaseEvent& event) {
  if (event.case_version() > 0) return true;
  return event.has_deadline_set() || event.has_sla_breached();
}

// Leaves out of a stored event what the statistics, reports and public disclosure never read — the request's own
// words, their classification and media — so that a case's state, read and rewritten with every event, stays small.
// The folded case keeps its title, resident, location, category, item, units and every status.
void Slim(v1::CaseEvent& event) {
  if (!event.has_submitted()) return;
  v1::Case* c = event.mutable_submitted()->mutable_initial();
  c->clear_text();
  c->clear_classification();
  c->clear_media_urls();
}

// Adds the event to the state (slimmed); false when it is there already.
bool Insert(v1::FeedbackCaseState& state, const v1::CaseEvent& event) {
  if (event.case_version() > 0) {
    auto* events = state.mutable_events();
    auto it = std::lower_bound(events->begin(), events->end(), event.case_version(),
                               [](const v1::CaseEvent& e, int64_t v) { return e.case_version() < v; });
    if (it != events->end() && it->case_version() == event.case_version()) return false;
    int index = static_cast<int>(it - events->begin());
    v1::CaseEvent* added = events->Add();
    *added = event;
    Slim(*added);
    for (int i = events->size() - 1; i > index; --i) events->SwapElements(i, i - 1);
    return true;
  }
  for (const v1::CaseEvent& a : state.advisories()) {
    if (a.event_id() == event.event_id()) return false;
  }
  *state.add_advisories() = event;
  return true;
}

}  // namespace

CaseEffects StatsRecorder::Effects(const v1::FeedbackCaseState& state, int64_t old_version, const CaseFacts& facts,
                                   absl::Time now) const {
  CaseEffects effects;
  const v1::Case& c = facts.current;
  for (const v1::CaseEvent& event : state.events()) {
    if (event.case_version() <= old_version || event.case_version() > facts.folded_version) continue;
    if (event.has_resolved() && c.status() == v1::CASE_STATUS_RESOLVED && c.cycle() >= 1 &&
        c.cycle() <= static_cast<int>(facts.cycles.size())) {
      const HandlingCycle& cycle = facts.cycles[c.cycle() - 1];
      if (cycle.resolved_at.has_value()) {
        effects.open_slot = SlotOpening{c.id(), c.cycle(), *cycle.resolved_at,
                                        *cycle.resolved_at + policy_.rating.window, cycle.resolver};
      }
    }
    if (event.has_resident_rated() && c.status() == v1::CASE_STATUS_RESOLVED &&
        (event.resident_rated().cycle() == c.cycle() || event.resident_rated().cycle() == 0)) {
      effects.schedule.push_back({SettleMember(c.id(), c.cycle()), now + policy_.rating.settle_retry});
    }
    if (event.has_reopened() && event.actor().unit_code() == kFeedbackUnit && event.reopened().cycle() == c.cycle() &&
        c.reopen_count() > policy_.rating.max_reopens) {
      effects.schedule.push_back({EscalationMember(c.id(), c.cycle()), now + policy_.rating.settle_retry});
    }
  }
  return effects;
}

absl::StatusOr<std::optional<CaseFacts>> StatsRecorder::Record(const v1::CaseEvent& event, absl::Time now) {
  if (!Counted(event)) return std::nullopt;
  if (event.case_id().empty())
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), ": no case_id"));
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto loaded = store_->LoadCase(event.case_id());
    if (!loaded.ok()) return loaded.status();
    v1::FeedbackCaseState state = loaded->value_or(v1::FeedbackCaseState());
    const int64_t old_version = ComputeFacts(state, policy_.fallback).folded_version;
    v1::FeedbackCaseState next = state;
    const bool inserted = Insert(next, event);
    CaseFacts facts = ComputeFacts(next, policy_.fallback);
    Contribution contribution = Contribute(facts);
    StatDelta delta = Diff(state.facts(), state.members(), contribution);
    if (!inserted && delta.empty()) return facts;
    CaseEffects effects = Effects(next, old_version, facts, now);
    next.set_revision(state.revision() + 1);
    next.clear_facts();
    next.clear_members();
    for (v1::StatFact& fact : contribution.facts) *next.add_facts() = std::move(fact);
    for (v1::StatMember& member : contribution.members) *next.add_members() = std::move(member);
    auto committed = store_->CommitCase(event.case_id(), state.revision(), next, delta, effects);
    if (!committed.ok()) return committed.status();
    if (*committed) return facts;
  }
  return absl::UnavailableError(absl::StrCat("case ", event.case_id(), " kept changing while its event was recorded"));
}

}  // namespace gridcase::feedback
