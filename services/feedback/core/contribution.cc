#include "services/feedback/core/contribution.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/registry/grid_code.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/stats_store.h"

namespace gridcase::feedback {
namespace {

int64_t Seconds(absl::Time t) { return absl::ToUnixSeconds(t); }

// Collects facts, merging those with the same time and rows.
class FactList {
 public:
  void Add(absl::Time at, const std::vector<std::string>& rows, const std::vector<std::pair<std::string, int64_t>>& f) {
    if (rows.empty()) return;
    std::vector<std::pair<std::string, int64_t>> fields;
    for (const auto& kv : f) {
      if (kv.second != 0) fields.push_back(kv);
    }
    if (fields.empty()) return;
    auto key = std::make_pair(Seconds(at), rows);
    v1::StatFact& fact = facts_[key];
    fact.set_at(Seconds(at));
    if (fact.rows().empty()) {
      for (const std::string& row : rows) fact.add_rows(row);
    }
    for (const auto& [name, value] : fields) (*fact.mutable_fields())[name] += value;
  }

  std::vector<v1::StatFact> Take() {
    std::vector<v1::StatFact> out;
    for (auto& [key, fact] : facts_) out.push_back(std::move(fact));
    return out;
  }

 private:
  std::map<std::pair<int64_t, std::vector<std::string>>, v1::StatFact> facts_;
};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::string AreaRow(const std::string& code) { return absl::StrCat("area:", code); }
std::string UnitRow(const std::string& code) { return absl::StrCat("unit:", code); }
std::string ScopedUnitRow(const std::string& department, const std::string& area_code) {
  return absl::StrCat("unit:", department, "@", area_code);
}
std::string WorkerRow(const std::string& grid_code, const std::string& person_id) {
  return absl::StrCat("worker:", grid_code, "|", person_id);
}
std::string HotSpotSet(const std::string& grid_code, const std::string& item) {
  return absl::StrCat("hot:", grid_code, "|", item);
}
std::string AlertedSet(const std::string& grid_code, const std::string& item) {
  return absl::StrCat("alerted:", grid_code, "|", item);
}
std::string OverdueMember(const std::string& case_id, int cycle) { return absl::StrCat(case_id, "|", cycle); }

Contribution Contribute(const CaseFacts& facts) {
  Contribution out;
  if (!facts.known) return out;
  const v1::Case& c = facts.current;
  const std::vector<std::string> area_codes = AreaCodes(c);
  std::vector<std::string> area_rows = {kAllAreas};
  for (const std::string& code : area_codes) area_rows.push_back(AreaRow(code));
  auto unit_rows = [&](const std::string& unit) {
    std::vector<std::string> rows;
    if (unit.empty()) return rows;
    rows.push_back(UnitRow(unit));
    if (registry::LevelOfCode(unit) == v1::LEVEL_UNSPECIFIED) {
      for (const std::string& code : area_codes) rows.push_back(ScopedUnitRow(unit, code));
    }
    return rows;
  };

  FactList list;
  const bool hot = facts.verified && !facts.invalid_at.has_value() && !facts.duplicate_at.has_value() &&
                   !c.location().grid_code().empty() && !c.catalogue_item().empty();
  std::vector<std::pair<std::string, int64_t>> submitted = {
      {field::kSubmitted, 1},
      {absl::StrCat(field::kCategoryPrefix, v1::Category_Name(c.category())), 1},
      {absl::StrCat(field::kChannelPrefix, v1::Channel_Name(c.channel())), 1}};
  if (hot) submitted.emplace_back(absl::StrCat(field::kItemPrefix, c.catalogue_item()), 1);
  list.Add(facts.submitted_at, area_rows, submitted);
  if (hot) {
    v1::StatMember m;
    m.set_set(HotSpotSet(c.location().grid_code(), c.catalogue_item()));
    m.set_member(c.id());
    m.set_score(static_cast<double>(Seconds(facts.submitted_at)));
    out.members.push_back(std::move(m));
  }
  if (facts.invalid_at.has_value()) list.Add(*facts.invalid_at, area_rows, {{field::kInvalid, 1}});
  if (facts.duplicate_at.has_value()) list.Add(*facts.duplicate_at, area_rows, {{field::kDuplicate, 1}});
  if (facts.closed_at.has_value()) list.Add(*facts.closed_at, area_rows, {{field::kClosed, 1}});
  for (const Receipt& r : facts.receipts) list.Add(r.at, Concat(area_rows, unit_rows(r.unit)), {{field::kReceived, 1}});

  for (const SignOff& s : facts.sign_offs) {
    if (s.outcome != SignOff::Outcome::kOnTime && s.outcome != SignOff::Outcome::kLate) continue;
    list.Add(s.started_at, Concat(area_rows, unit_rows(s.holder)),
             {{field::kSignOffsDue, 1}, {field::kSignOffsOnTime, s.outcome == SignOff::Outcome::kOnTime ? 1 : 0}});
  }

  std::string verifier_row;
  if (facts.verification.has_value()) {
    const Verification& v = *facts.verification;
    verifier_row = WorkerRow(v.grid_code, v.person_id);
    list.Add(v.at, {verifier_row}, {{field::kVerified, 1}, {field::kVerifiedOnTime, v.on_time ? 1 : 0}});
  }

  std::optional<absl::Time> last_resolved;
  for (const HandlingCycle& cycle : facts.cycles) {
    const std::vector<std::string> rows = Concat(area_rows, unit_rows(cycle.resolver));
    if (cycle.resolved_at.has_value()) {
      last_resolved = cycle.resolved_at;
      list.Add(*cycle.resolved_at, rows, {{field::kResolved, 1}, {field::kResolvedOnTime, cycle.on_time ? 1 : 0}});
    }
    if (cycle.overdue) {
      const std::string& unit = cycle.resolver.empty() ? cycle.last_holder : cycle.resolver;
      list.Add(cycle.due, Concat(area_rows, unit_rows(unit)), {{field::kOverdue, 1}});
      v1::StatMember m;
      m.set_set(kOverdueSet);
      m.set_member(OverdueMember(c.id(), cycle.number));
      m.set_score(static_cast<double>(Seconds(cycle.due)));
      out.members.push_back(std::move(m));
    }
    if (cycle.rating.has_value()) {
      const Rating& r = *cycle.rating;
      const char* answer = r.satisfaction == v1::SATISFACTION_SATISFIED   ? field::kSatisfied
                           : r.satisfaction == v1::SATISFACTION_BASICALLY ? field::kBasically
                                                                          : field::kDissatisfied;
      list.Add(r.at, rows, {{field::kRated, 1}, {field::kSolved, r.problem_solved ? 1 : 0}, {answer, 1}});
      if (r.satisfaction == v1::SATISFACTION_SATISFIED && !verifier_row.empty()) {
        list.Add(r.at, {verifier_row}, {{field::kWorkerSatisfied, 1}});
      }
    }
    if (cycle.not_rated_at.has_value()) list.Add(*cycle.not_rated_at, rows, {{field::kNotRated, 1}});
    if (cycle.reopened_at.has_value()) list.Add(*cycle.reopened_at, rows, {{field::kReopened, 1}});
  }

  const bool handled =
      c.status() == v1::CASE_STATUS_RESOLVED ||
      (c.status() == v1::CASE_STATUS_CLOSED &&
       (facts.close_reason == v1::CaseClosed::REASON_RATED || facts.close_reason == v1::CaseClosed::REASON_NOT_RATED));
  if (handled && last_resolved.has_value()) {
    v1::StatMember m;
    m.set_set(kPublicSet);
    m.set_member(c.id());
    m.set_score(static_cast<double>(Seconds(*last_resolved)));
    out.members.push_back(std::move(m));
  }
  out.facts = list.Take();
  return out;
}

CounterDelta Expand(const google::protobuf::RepeatedPtrField<v1::StatFact>& facts) {
  CounterDelta out;
  for (const v1::StatFact& fact : facts) {
    for (const std::string& period : PeriodsOf(absl::FromUnixSeconds(fact.at()))) {
      for (const std::string& row : fact.rows()) {
        std::map<std::string, int64_t>& fields = out[{period, row}];
        for (const auto& [name, value] : fact.fields()) fields[name] += value;
      }
    }
  }
  return out;
}

StatDelta Diff(const google::protobuf::RepeatedPtrField<v1::StatFact>& old_facts,
               const google::protobuf::RepeatedPtrField<v1::StatMember>& old_members, const Contribution& next) {
  StatDelta delta;
  google::protobuf::RepeatedPtrField<v1::StatFact> next_facts(next.facts.begin(), next.facts.end());
  CounterDelta before = Expand(old_facts);
  CounterDelta after = Expand(next_facts);
  for (const auto& [key, fields] : after) {
    for (const auto& [name, value] : fields) {
      int64_t old_value = 0;
      if (auto row = before.find(key); row != before.end()) {
        if (auto f = row->second.find(name); f != row->second.end()) old_value = f->second;
      }
      if (value != old_value) delta.counters[key][name] = value - old_value;
    }
  }
  for (const auto& [key, fields] : before) {
    auto row = after.find(key);
    for (const auto& [name, value] : fields) {
      bool present = row != after.end() && row->second.contains(name);
      if (!present && value != 0) delta.counters[key][name] = -value;
    }
  }
  auto same = [](const v1::StatMember& a, const v1::StatMember& b) {
    return a.set() == b.set() && a.member() == b.member();
  };
  for (const v1::StatMember& m : next.members) {
    auto it = std::find_if(old_members.begin(), old_members.end(), [&](const v1::StatMember& o) { return same(o, m); });
    if (it == old_members.end() || it->score() != m.score()) delta.add.push_back(m);
  }
  for (const v1::StatMember& o : old_members) {
    auto it =
        std::find_if(next.members.begin(), next.members.end(), [&](const v1::StatMember& m) { return same(o, m); });
    if (it == next.members.end()) delta.remove.push_back(o);
  }
  return delta;
}

}  // namespace gridcase::feedback
