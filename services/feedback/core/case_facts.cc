#include "services/feedback/core/case_facts.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"
#include "libs/registry/grid_code.h"

namespace gridcase::feedback {
namespace {

using events::FromProto;
using v1::CaseEvent;

// The SLA service's advisories, indexed by the clock they concern. Its event ids are
// "<case>/sla/<clock id>/<cycle>/<name>": clock id "completion" or "sign_off.v<version that started it>", name
// "deadline.v<version>" for a DeadlineSet, "breach" for the breach.
struct SlaIndex {
  std::map<int64_t, std::pair<int64_t, absl::Time>> sign_off_due;  // start version → (announcing version, due)
  std::map<int, std::pair<int64_t, absl::Time>> completion_due;    // cycle → (announcing version, due)
  std::set<int64_t> sign_off_breached;
  std::set<int> completion_breached;
};

struct ClockRef {
  bool completion = false;
  int64_t sign_off_start = 0;
  int cycle = 0;
  std::string name;
};

std::optional<ClockRef> ParseClockRef(const std::string& event_id) {
  std::vector<std::string> parts = absl::StrSplit(event_id, '/');
  if (parts.size() != 5 || parts[1] != "sla") return std::nullopt;
  ClockRef ref;
  if (!absl::SimpleAtoi(parts[3], &ref.cycle)) return std::nullopt;
  ref.name = parts[4];
  if (parts[2] == "completion") {
    ref.completion = true;
  } else if (absl::string_view id = parts[2]; absl::ConsumePrefix(&id, "sign_off.v")) {
    if (!absl::SimpleAtoi(id, &ref.sign_off_start)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return ref;
}

SlaIndex IndexAdvisories(const v1::FeedbackCaseState& state) {
  SlaIndex index;
  for (const CaseEvent& event : state.advisories()) {
    std::optional<ClockRef> ref = ParseClockRef(event.event_id());
    if (!ref.has_value()) continue;
    if (event.has_deadline_set()) {
      int64_t announcing = 0;
      absl::string_view name = ref->name;
      if (!absl::ConsumePrefix(&name, "deadline.v") || !absl::SimpleAtoi(name, &announcing)) continue;
      absl::Time due = FromProto(event.deadline_set().due_at());
      if (ref->completion) {
        auto [it, inserted] = index.completion_due.try_emplace(ref->cycle, announcing, due);
        if (!inserted && announcing > it->second.first) it->second = {announcing, due};
      } else {
        auto [it, inserted] = index.sign_off_due.try_emplace(ref->sign_off_start, announcing, due);
        if (!inserted && announcing > it->second.first) it->second = {announcing, due};
      }
    } else if (event.has_sla_breached() && ref->name == "breach") {
      if (ref->completion) {
        index.completion_breached.insert(ref->cycle);
      } else {
        index.sign_off_breached.insert(ref->sign_off_start);
      }
    }
  }
  return index;
}

const char* SignOffStage(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_SUBMITTED:
      return kStageGridVerification;
    case v1::CASE_STATUS_AWAITING_COMMUNITY:
      return kStageCommunity;
    case v1::CASE_STATUS_AWAITING_DISPATCH:
      return kStageTownshipDispatch;
    case v1::CASE_STATUS_DISPATCHED:
      return kStageDepartment;
    default:
      return nullptr;
  }
}

// Events that start a sign-off clock when they leave the case in a sign-off stage (as the SLA service does).
bool StartsSignOff(CaseEvent::PayloadCase p) {
  switch (p) {
    case CaseEvent::kSubmitted:
    case CaseEvent::kGridVerified:
    case CaseEvent::kCommunityEscalated:
    case CaseEvent::kTownshipDispatched:
    case CaseEvent::kDepartmentTransferred:
    case CaseEvent::kDepartmentReturned:
    case CaseEvent::kReopened:
      return true;
    default:
      return false;
  }
}

// Events that end the running sign-off obligation.
bool EndsSignOff(CaseEvent::PayloadCase p) {
  switch (p) {
    case CaseEvent::kGridVerified:
    case CaseEvent::kGridMarkedInvalid:
    case CaseEvent::kGridMarkedDuplicate:
    case CaseEvent::kCommunityHandledLocally:
    case CaseEvent::kCommunityEscalated:
    case CaseEvent::kTownshipDispatched:
    case CaseEvent::kDepartmentAccepted:
    case CaseEvent::kDepartmentTransferred:
    case CaseEvent::kDepartmentReturned:
    case CaseEvent::kResolved:
    case CaseEvent::kReopened:
    case CaseEvent::kClosed:
      return true;
    default:
      return false;
  }
}

// The act that is the stage's sign-off: 核单, 小事不出村 (the community takes it), 派单, 部门接单.
bool SignsOff(const std::string& stage, CaseEvent::PayloadCase p) {
  if (stage == kStageGridVerification) {
    return p == CaseEvent::kGridVerified || p == CaseEvent::kGridMarkedInvalid || p == CaseEvent::kGridMarkedDuplicate;
  }
  if (stage == kStageCommunity) return p == CaseEvent::kCommunityHandledLocally;
  if (stage == kStageTownshipDispatch) return p == CaseEvent::kTownshipDispatched;
  if (stage == kStageDepartment) return p == CaseEvent::kDepartmentAccepted;
  return false;
}

void Settle(SignOff& s) {
  if (s.ended_at.has_value()) {
    bool late = s.breached || *s.ended_at > s.due;
    if (s.signed_off) {
      s.outcome = late ? SignOff::Outcome::kLate : SignOff::Outcome::kOnTime;
    } else {
      s.outcome = late ? SignOff::Outcome::kLate : SignOff::Outcome::kExcluded;
    }
  } else {
    s.outcome = s.breached ? SignOff::Outcome::kLate : SignOff::Outcome::kPending;
  }
}

HandlingCycle& CycleAt(CaseFacts& facts, int number) {
  while (static_cast<int>(facts.cycles.size()) < number) {
    HandlingCycle next;
    next.number = static_cast<int>(facts.cycles.size()) + 1;
    facts.cycles.push_back(next);
  }
  return facts.cycles[number - 1];
}

}  // namespace

std::vector<std::string> AreaCodes(const v1::Case& c) {
  const v1::Location& loc = c.location();
  std::string county = loc.county_code();
  if (county.empty() && registry::LevelOfCode(loc.township_code()) == v1::LEVEL_TOWNSHIP) {
    county = std::string(registry::ParentCode(loc.township_code()));
  }
  std::vector<std::string> codes;
  for (const std::string& code : {county, loc.township_code(), loc.community_code(), loc.grid_code()}) {
    if (!code.empty()) codes.push_back(code);
  }
  return codes;
}

CaseFacts ComputeFacts(const v1::FeedbackCaseState& state, const FallbackDeadlines& fallback) {
  CaseFacts facts;
  const SlaIndex sla = IndexAdvisories(state);
  std::optional<SignOff> running;
  v1::Case c;
  for (const CaseEvent& event : state.events()) {
    if (event.case_version() != c.version() + 1) break;  // A gap: later versions wait for the missing one.
    absl::StatusOr<v1::Case> next = cases::ApplyEvent(c, event);
    if (!next.ok()) {
      facts.fold_error = next.status();
      break;
    }
    const v1::Case before = std::move(c);
    c = *std::move(next);
    const absl::Time at = FromProto(event.occurred_at());
    const CaseEvent::PayloadCase p = event.payload_case();

    if (running.has_value() && EndsSignOff(p)) {
      running->ended_at = at;
      running->signed_off = SignsOff(running->stage, p);
      Settle(*running);
      if (p == CaseEvent::kGridVerified || p == CaseEvent::kGridMarkedInvalid || p == CaseEvent::kGridMarkedDuplicate) {
        if (event.actor().role() == v1::ROLE_GRID_WORKER && !event.actor().person_id().empty()) {
          Verification v;
          v.person_id = event.actor().person_id();
          v.grid_code = c.location().grid_code().empty() ? before.location().grid_code() : c.location().grid_code();
          v.at = at;
          v.on_time = running->signed_off && running->outcome == SignOff::Outcome::kOnTime;
          if (!v.grid_code.empty()) facts.verification = v;
        }
      }
      facts.sign_offs.push_back(*running);
      running.reset();
    }
    if (StartsSignOff(p)) {
      if (const char* stage = SignOffStage(c.status()); stage != nullptr) {
        SignOff s;
        s.stage = stage;
        s.holder = c.holder_unit();
        s.start_version = event.case_version();
        s.cycle = c.cycle();
        s.started_at = at;
        if (auto it = sla.sign_off_due.find(s.start_version); it != sla.sign_off_due.end()) {
          s.due = it->second.second;
          s.due_from_sla = true;
        } else {
          s.due = at + fallback.sign_off;
        }
        s.breached = sla.sign_off_breached.contains(s.start_version);
        running = s;
      }
    }

    switch (p) {
      case CaseEvent::kSubmitted: {
        facts.known = true;
        facts.submitted_at = c.has_created_at() ? FromProto(c.created_at()) : at;
        HandlingCycle& first = CycleAt(facts, 1);
        first.started_at = facts.submitted_at;
        break;
      }
      case CaseEvent::kGridVerified:
        facts.verified = true;
        break;
      case CaseEvent::kGridMarkedInvalid:
        facts.invalid_at = at;
        break;
      case CaseEvent::kGridMarkedDuplicate:
        facts.duplicate_at = at;
        break;
      case CaseEvent::kTownshipDispatched:
      case CaseEvent::kDepartmentTransferred:
      case CaseEvent::kCommunityHandledLocally:
        facts.receipts.push_back({c.holder_unit(), at});
        break;
      case CaseEvent::kResolved: {
        HandlingCycle& cycle = CycleAt(facts, before.cycle());
        if (!cycle.resolved_at.has_value()) {
          cycle.resolved_at = at;
          cycle.resolver = c.holder_unit();
        }
        break;
      }
      case CaseEvent::kResidentRated: {
        const v1::ResidentRated& r = event.resident_rated();
        int number = r.cycle() > 0 ? r.cycle() : before.cycle();
        bool answer = r.satisfaction() == v1::SATISFACTION_SATISFIED ||
                      r.satisfaction() == v1::SATISFACTION_BASICALLY ||
                      r.satisfaction() == v1::SATISFACTION_DISSATISFIED;
        HandlingCycle& cycle = CycleAt(facts, number);
        if (answer && !cycle.rating.has_value()) cycle.rating = Rating{r.satisfaction(), r.problem_solved(), at};
        break;
      }
      case CaseEvent::kReopened: {
        HandlingCycle& ended = CycleAt(facts, before.cycle());
        ended.reopened_at = at;
        HandlingCycle& next_cycle = CycleAt(facts, c.cycle());
        next_cycle.started_at = at;
        facts.receipts.push_back({c.holder_unit(), at});
        break;
      }
      case CaseEvent::kClosed:
        facts.closed_at = at;
        facts.close_reason = event.closed().reason();
        if (event.closed().reason() == v1::CaseClosed::REASON_NOT_RATED) {
          HandlingCycle& cycle = CycleAt(facts, before.cycle());
          if (!cycle.not_rated_at.has_value()) cycle.not_rated_at = at;
        }
        break;
      default:
        break;
    }
    if (!c.holder_unit().empty() && c.cycle() >= 1) CycleAt(facts, c.cycle()).last_holder = c.holder_unit();
  }
  if (running.has_value()) {
    Settle(*running);
    facts.sign_offs.push_back(*running);
  }
  facts.current = c;
  facts.folded_version = c.version();
  if (!facts.known) {
    facts.cycles.clear();
    return facts;
  }
  for (HandlingCycle& cycle : facts.cycles) {
    if (auto it = sla.completion_due.find(cycle.number); it != sla.completion_due.end()) {
      cycle.due = it->second.second;
      cycle.due_from_sla = true;
    } else {
      cycle.due = cycle.started_at + fallback.completion;
    }
    cycle.breached = sla.completion_breached.contains(cycle.number);
    if (cycle.resolved_at.has_value()) {
      cycle.on_time = !cycle.breached && *cycle.resolved_at <= cycle.due;
      cycle.overdue = !cycle.on_time;
    } else {
      cycle.overdue = cycle.breached;
    }
  }
  return facts;
}

}  // namespace gridcase::feedback
