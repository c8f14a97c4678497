#include "services/feedback/core/report.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "libs/case/category_label.h"
#include "libs/events/proto_time.h"
#include "libs/registry/grid_code.h"
#include "libs/validation/field_error.h"
#include "services/feedback/core/case_facts.h"
#include "services/feedback/core/contribution.h"
#include "services/feedback/core/periods.h"

namespace gridcase::feedback {
namespace {

constexpr int kMaxDays = 366;
constexpr int kMaxOverdue = 200;
constexpr int kMaxHotSpots = 50;

using Fields = std::map<std::string, int64_t>;

int64_t Get(const Fields& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? 0 : it->second;
}

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string KindOf(const std::string& code) {
  switch (registry::LevelOfCode(code)) {
    case v1::LEVEL_GRID:
      return "grid";
    case v1::LEVEL_COMMUNITY:
      return "community";
    case v1::LEVEL_TOWNSHIP:
      return "township";
    case v1::LEVEL_COUNTY:
      return "county";
    default:
      return "department";
  }
}

bool IsAreaCode(const std::string& code) { return registry::LevelOfCode(code) != v1::LEVEL_UNSPECIFIED; }

}  // namespace

std::string ChannelLabel(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_HOTLINE_12345:
      return "12345热线";
    case v1::CHANNEL_APP:
      return "群众App";
    case v1::CHANNEL_GRID_PATROL:
      return "网格巡查";
    case v1::CHANNEL_OPEN311:
      return "Open311接口";
    default:
      return "其他";
  }
}

std::string SatisfactionLabel(v1::Satisfaction satisfaction) {
  switch (satisfaction) {
    case v1::SATISFACTION_SATISFIED:
      return "满意";
    case v1::SATISFACTION_BASICALLY:
      return "基本满意";
    case v1::SATISFACTION_DISSATISFIED:
      return "不满意";
    case v1::SATISFACTION_NOT_RATED:
      return "未评价";
    default:
      return "待评价";
  }
}

absl::StatusOr<ReportQuery> ParseReportQuery(const std::string& from, const std::string& to, const std::string& area,
                                             const UnitDirectory& units) {
  ReportQuery query;
  auto from_day = ParseDay(from, "from");
  if (!from_day.ok()) return from_day.status();
  auto to_day = ParseDay(to, "to");
  if (!to_day.ok()) return to_day.status();
  if (*to_day <= *from_day) return validation::FieldError("to", "must be after from");
  if (*to_day - *from_day > kMaxDays)
    return validation::FieldError("to", absl::StrCat("at most ", kMaxDays, " days after from"));
  if (!area.empty() && !units.IsArea(area)) {
    return validation::FieldError("area",
                                  absl::StrCat("unknown county, township, community or grid code \"", area, "\""));
  }
  query.from = *from_day;
  query.to = *to_day;
  query.area = area;
  return query;
}

void FillRates(const Fields& f, const FeedbackPolicy& policy, v1::UnitStats* s) {
  s->set_received(Get(f, field::kReceived));
  s->set_sign_offs_due(Get(f, field::kSignOffsDue));
  s->set_sign_offs_on_time(Get(f, field::kSignOffsOnTime));
  s->set_resolved(Get(f, field::kResolved));
  s->set_resolved_on_time(Get(f, field::kResolvedOnTime));
  s->set_overdue(Get(f, field::kOverdue));
  s->set_rated(Get(f, field::kRated));
  s->set_satisfied(Get(f, field::kSatisfied));
  s->set_basically_satisfied(Get(f, field::kBasically));
  s->set_dissatisfied(Get(f, field::kDissatisfied));
  s->set_problem_solved(Get(f, field::kSolved));
  s->set_not_rated(Get(f, field::kNotRated));
  s->set_reopened(Get(f, field::kReopened));
  double weighted = 0, weights = 0;
  auto add = [&](double rate, double weight) {
    weighted += rate * weight;
    weights += weight;
  };
  if (s->sign_offs_due() > 0) {
    s->set_has_response_rate(true);
    s->set_response_rate(static_cast<double>(s->sign_offs_on_time()) / s->sign_offs_due());
    add(s->response_rate(), policy.score.response);
  }
  if (s->rated() > 0) {
    s->set_has_resolution_rate(true);
    s->set_resolution_rate(static_cast<double>(s->problem_solved()) / s->rated());
    add(s->resolution_rate(), policy.score.resolution);
    s->set_has_satisfaction_rate(true);
    const SatisfactionWeights& w = policy.satisfaction;
    s->set_satisfaction_rate(
        (w.satisfied * s->satisfied() + w.basically * s->basically_satisfied() + w.dissatisfied * s->dissatisfied()) /
        s->rated());
    add(s->satisfaction_rate(), policy.score.satisfaction);
  }
  if (s->resolved() > 0) {
    s->set_has_on_time_rate(true);
    s->set_on_time_rate(static_cast<double>(s->resolved_on_time()) / s->resolved());
  }
  if (weights > 0) {
    s->set_has_score(true);
    s->set_score(weighted / weights);
  }
}

absl::StatusOr<v1::Report> ReportBuilder::Build(const ReportQuery& q) {
  const absl::Time from_t = StartOfDay(q.from);
  const absl::Time to_t = StartOfDay(q.to);
  const absl::Time now = now_();
  const std::string area_row = q.area.empty() ? std::string(kAllAreas) : AreaRow(q.area);
  auto in_area = [&](absl::string_view code) { return q.area.empty() || absl::StartsWith(code, q.area); };

  // Row (scoped department rows under their plain name) → summed fields.
  std::map<std::string, Fields> sums;
  for (const std::string& period : CoverDays(q.from, q.to)) {
    auto rows = store_->Rows(period);
    if (!rows.ok()) return rows.status();
    std::vector<std::string> selected, names;
    for (const std::string& row : *rows) {
      std::string name;
      absl::string_view rest = row;
      if (row == area_row) {
        name = row;
      } else if (absl::ConsumePrefix(&rest, "unit:")) {
        size_t at = rest.find('@');
        if (at == absl::string_view::npos) {
          std::string code(rest);
          if (IsAreaCode(code) ? in_area(code) : q.area.empty()) name = row;
        } else if (!q.area.empty() && rest.substr(at + 1) == q.area) {
          name = UnitRow(std::string(rest.substr(0, at)));
        }
      } else if (absl::ConsumePrefix(&rest, "area:")) {
        if (registry::LevelOfCode(rest) == v1::LEVEL_GRID && in_area(rest)) name = row;
      } else if (absl::ConsumePrefix(&rest, "worker:")) {
        if (in_area(rest.substr(0, rest.find('|')))) name = row;
      }
      if (!name.empty()) {
        selected.push_back(row);
        names.push_back(std::move(name));
      }
    }
    if (selected.empty()) continue;
    auto counters = store_->ReadRows(period, selected);
    if (!counters.ok()) return counters.status();
    for (size_t i = 0; i < selected.size(); ++i) {
      Fields& sum = sums[names[i]];
      for (const auto& [field_name, value] : (*counters)[i]) sum[field_name] += value;
    }
  }

  v1::Report report;
  report.set_from(DayText(q.from));
  report.set_to(DayText(q.to));
  report.set_area(q.area);
  report.set_area_name(q.area.empty() ? "全部" : units_->UnitName(q.area));
  *report.mutable_generated_at() = events::ToProto(now);
  report.set_weight_satisfied(policy_.satisfaction.satisfied);
  report.set_weight_basically(policy_.satisfaction.basically);
  report.set_weight_dissatisfied(policy_.satisfaction.dissatisfied);

  const Fields& total = sums[area_row];
  report.set_submitted(Get(total, field::kSubmitted));
  report.set_invalid(Get(total, field::kInvalid));
  report.set_duplicate(Get(total, field::kDuplicate));
  report.set_closed(Get(total, field::kClosed));
  v1::UnitStats* totals = report.mutable_totals();
  totals->set_code(q.area);
  totals->set_name(report.area_name());
  totals->set_kind("area");
  FillRates(total, policy_, totals);
  for (int c = v1::Category_MIN; c <= v1::Category_MAX; ++c) {
    auto category = static_cast<v1::Category>(c);
    if (!v1::Category_IsValid(c)) continue;
    int64_t n = Get(total, absl::StrCat(field::kCategoryPrefix, v1::Category_Name(category)));
    if (n == 0) continue;
    v1::CountEntry* e = report.add_by_category();
    e->set_key(v1::Category_Name(category));
    e->set_name(std::string(cases::CategoryLabel(category)));
    e->set_count(n);
  }
  for (int c = v1::Channel_MIN; c <= v1::Channel_MAX; ++c) {
    auto channel = static_cast<v1::Channel>(c);
    if (!v1::Channel_IsValid(c)) continue;
    int64_t n = Get(total, absl::StrCat(field::kChannelPrefix, v1::Channel_Name(channel)));
    if (n == 0) continue;
    v1::CountEntry* e = report.add_by_channel();
    e->set_key(v1::Channel_Name(channel));
    e->set_name(ChannelLabel(channel));
    e->set_count(n);
  }

  std::vector<v1::UnitStats> units;
  std::vector<v1::HotSpot> hot_spots;
  std::vector<v1::WorkerStats> workers;
  for (const auto& [row, fields] : sums) {
    absl::string_view rest = row;
    if (absl::ConsumePrefix(&rest, "unit:")) {
      v1::UnitStats s;
      s.set_code(std::string(rest));
      s.set_name(units_->UnitName(s.code()));
      s.set_kind(KindOf(s.code()));
      FillRates(fields, policy_, &s);
      units.push_back(std::move(s));
    } else if (absl::ConsumePrefix(&rest, "area:") && registry::LevelOfCode(rest) == v1::LEVEL_GRID) {
      for (const auto& [name, count] : fields) {
        absl::string_view item = name;
        if (!absl::ConsumePrefix(&item, field::kItemPrefix) || count < 2) continue;
        v1::HotSpot h;
        h.set_grid_code(std::string(rest));
        h.set_grid_name(units_->UnitName(h.grid_code()));
        h.set_catalogue_item(std::string(item));
        h.set_item_name(units_->ItemName(h.catalogue_item()));
        h.set_count(count);
        hot_spots.push_back(std::move(h));
      }
    } else if (absl::ConsumePrefix(&rest, "worker:")) {
      size_t bar = rest.find('|');
      v1::WorkerStats w;
      w.set_grid_code(std::string(rest.substr(0, bar)));
      w.set_person_id(std::string(rest.substr(bar + 1)));
      w.set_name(units_->PersonName(w.person_id()));
      w.set_grid_name(units_->UnitName(w.grid_code()));
      w.set_verified(Get(fields, field::kVerified));
      w.set_verified_on_time(Get(fields, field::kVerifiedOnTime));
      w.set_satisfied(Get(fields, field::kWorkerSatisfied));
      w.set_points(w.verified() * policy_.points.per_verified + w.verified_on_time() * policy_.points.per_on_time +
                   w.satisfied() * policy_.points.per_satisfied);
      workers.push_back(std::move(w));
    }
  }
  std::sort(units.begin(), units.end(), [](const v1::UnitStats& a, const v1::UnitStats& b) {
    if (a.has_score() != b.has_score()) return a.has_score();
    if (a.has_score() && a.score() != b.score()) return a.score() > b.score();
    return a.code() < b.code();
  });
  int rank = 0;
  for (v1::UnitStats& s : units) {
    if (s.has_score()) s.set_rank(++rank);
    *report.add_units() = std::move(s);
  }
  std::sort(hot_spots.begin(), hot_spots.end(), [](const v1::HotSpot& a, const v1::HotSpot& b) {
    if (a.count() != b.count()) return a.count() > b.count();
    if (a.grid_code() != b.grid_code()) return a.grid_code() < b.grid_code();
    return a.catalogue_item() < b.catalogue_item();
  });
  for (size_t i = 0; i < hot_spots.size() && i < kMaxHotSpots; ++i) *report.add_hot_spots() = hot_spots[i];
  std::sort(workers.begin(), workers.end(), [](const v1::WorkerStats& a, const v1::WorkerStats& b) {
    if (a.points() != b.points()) return a.points() > b.points();
    if (a.verified() != b.verified()) return a.verified() > b.verified();
    return a.person_id() < b.person_id();
  });
  for (v1::WorkerStats& w : workers) *report.add_workers() = std::move(w);

  // 超期清单: the overdue set, by due time, filtered to the area.
  auto overdue = store_->Range(kOverdueSet, static_cast<double>(absl::ToUnixSeconds(from_t)),
                               static_cast<double>(absl::ToUnixSeconds(to_t) - 1));
  if (!overdue.ok()) return overdue.status();
  std::vector<std::string> ids;
  std::set<std::pair<std::string, int>> wanted;
  for (const ScoredMember& m : *overdue) {
    size_t bar = m.member.rfind('|');
    int cycle = 0;
    if (bar == std::string::npos || !absl::SimpleAtoi(m.member.substr(bar + 1), &cycle)) continue;
    std::string id = m.member.substr(0, bar);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    wanted.insert({id, cycle});
  }
  auto states = store_->LoadCases(ids);
  if (!states.ok()) return states.status();
  std::vector<v1::OverdueEntry> entries;
  for (const v1::FeedbackCaseState& state : *states) {
    CaseFacts facts = ComputeFacts(state, policy_.fallback);
    const v1::Case& c = facts.current;
    std::vector<std::string> codes = AreaCodes(c);
    if (!q.area.empty() && std::find(codes.begin(), codes.end(), q.area) == codes.end()) continue;
    for (const HandlingCycle& cycle : facts.cycles) {
      if (!cycle.overdue || !wanted.contains({c.id(), cycle.number})) continue;
      v1::OverdueEntry e;
      e.set_case_id(c.id());
      e.set_cycle(cycle.number);
      e.set_title(c.title());
      e.set_grid_code(c.location().grid_code());
      e.set_unit_code(cycle.resolver.empty() ? cycle.last_holder : cycle.resolver);
      e.set_unit_name(units_->UnitName(e.unit_code()));
      *e.mutable_due_at() = events::ToProto(cycle.due);
      absl::Time end = now;
      if (cycle.resolved_at.has_value()) {
        *e.mutable_resolved_at() = events::ToProto(*cycle.resolved_at);
        end = *cycle.resolved_at;
      }
      e.mutable_late_by()->set_seconds(std::max<int64_t>(0, absl::ToInt64Seconds(end - cycle.due)));
      e.set_category(c.category());
      entries.push_back(std::move(e));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const v1::OverdueEntry& a, const v1::OverdueEntry& b) {
    if (a.late_by().seconds() != b.late_by().seconds()) return a.late_by().seconds() > b.late_by().seconds();
    return a.case_id() < b.case_id();
  });
  for (size_t i = 0; i < entries.size() && i < kMaxOverdue; ++i) *report.add_overdue() = entries[i];

  auto alerts = store_->ListAlerts(from_t, to_t);
  if (!alerts.ok()) return alerts.status();
  for (const v1::HotSpotAlert& alert : *alerts) {
    if (in_area(alert.grid_code())) *report.add_alerts() = alert;
  }
  return report;
}

}  // namespace gridcase::feedback
