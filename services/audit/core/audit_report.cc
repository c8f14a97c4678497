#include "services/audit/core/audit_report.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace gridcase::audit {
namespace {

int64_t Count(size_t n) { return static_cast<int64_t>(n); }

int64_t PoisonDeadLettered(const LogFindings& log) {
  int64_t n = 0;
  for (const PoisonRecord& p : log.poison) n += p.dead_lettered ? 1 : 0;
  return n;
}

std::string Describe(const EventSighting& s) { return absl::StrCat(s.type, " ", s.event_id, " at ", ToString(s.at)); }

std::string Describe(const Fork& f) {
  std::vector<std::string> variants;
  for (const EventSighting& s : f.variants) variants.push_back(Describe(s));
  return absl::StrCat(f.case_id, " version ", f.version, ": ", absl::StrJoin(variants, " | "));
}

std::string Describe(const Gap& g) {
  return absl::StrCat(g.case_id, " (up to version ", g.max_version, ") lacks version ", absl::StrJoin(g.missing, ","));
}

std::string Describe(const DuplicateSubmission& d) {
  std::vector<std::string> submissions;
  for (const EventSighting& s : d.submissions) submissions.push_back(Describe(s));
  return absl::StrCat(d.case_id, ": ", absl::StrJoin(submissions, " | "));
}

std::string Describe(const AlarmDuplicate& a) {
  std::vector<std::string> at;
  for (const RecordPosition& p : a.records) at.push_back(ToString(p));
  return absl::StrCat(a.event_id, " written ", a.records.size(), " times: ", absl::StrJoin(at, ", "));
}

std::string Describe(const Lagging& l) {
  return absl::StrCat(l.case_id, " projected at version ", l.projected, ", log at ", l.logged);
}

std::string Describe(const PoisonRecord& p) {
  return absl::StrCat(ToString(p.at), ": ", p.reason, p.dead_lettered ? " (dead-lettered)" : " (not dead-lettered)");
}

template <typename T>
void AppendItems(std::string& out, const char* label, const std::vector<T>& items, int max_items,
                 const std::function<std::string(const T&)>& describe) {
  int shown = 0;
  for (const T& item : items) {
    if (shown++ == max_items) {
      absl::StrAppend(&out, "  … and ", items.size() - max_items, " more ", label, "\n");
      break;
    }
    absl::StrAppend(&out, "  ", label, ": ", describe(item), "\n");
  }
}

nlohmann::json Json(const RecordPosition& p) {
  return {{"topic", p.topic}, {"partition", p.partition}, {"offset", p.offset}};
}
nlohmann::json Json(const EventSighting& s) {
  return {{"event_id", s.event_id}, {"type", s.type}, {"at", Json(s.at)}};
}
nlohmann::json Json(const Lagging& l) {
  return {{"case_id", l.case_id}, {"projected", l.projected}, {"logged", l.logged}};
}

template <typename T>
nlohmann::json JsonItems(const std::vector<T>& items, int max_items,
                         const std::function<nlohmann::json(const T&)>& convert) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < items.size() && static_cast<int>(i) < max_items; ++i) out.push_back(convert(items[i]));
  return out;
}

}  // namespace

bool AuditReport::Violated() const {
  return !log.forks.empty() || !log.gaps.empty() || !log.bad_starts.empty() || !log.duplicate_submissions.empty() ||
         !log.alarm_duplicates.empty() || !projections.differences.empty() || !projections.stuck.empty() ||
         !projections.ahead.empty() || !projection_error.empty();
}

std::string SummaryText(const AuditReport& r, int max_items) {
  const LogFindings& log = r.log;
  const ProjectionFindings& p = r.projections;
  std::string out;
  absl::StrAppend(&out, "topics read: ", r.topics.size(), " case topics and their dead-letter topics\n");
  absl::StrAppend(&out, "records: ", log.records, " (", log.versioned_records, " versioned, ", log.advisory_records,
                  " advisory, ", log.poison.size(), " poison)\n");
  absl::StrAppend(&out, "cases: ", log.max_versions.size(), ", versions: ", log.versions, "\n");
  absl::StrAppend(&out, "forks: ", log.forks.size(), "\n");
  absl::StrAppend(&out, "gaps: ", log.gaps.size(), "\n");
  absl::StrAppend(&out, "bad starts: ", log.bad_starts.size(), "\n");
  absl::StrAppend(&out, "duplicate submitted ids: ", log.duplicate_submissions.size(), "\n");
  absl::StrAppend(&out, "duplicate copies: ", log.duplicate_copies, " (identical records written again; tolerated)\n");
  if (r.projection_error.empty()) {
    absl::StrAppend(&out, "projection differences: ", p.differences.size(), " (compared ", p.cases_compared,
                    " cases and ", p.queues_compared, " work queues with a rebuild)\n");
  } else {
    absl::StrAppend(&out, "projection differences: not checked: ", r.projection_error, "\n");
  }
  absl::StrAppend(&out, "stuck: ", p.stuck.size(), "\n");
  absl::StrAppend(&out, "ahead of the log: ", p.ahead.size(), "\n");
  absl::StrAppend(&out, "parked: ", p.parked.size(), " (reported, not a violation)\n");
  absl::StrAppend(&out, "alarms: ", log.alarms, ", alarm duplicates: ", log.alarm_duplicates.size(), "\n");
  absl::StrAppend(&out, "poison: ", log.poison.size(), " (", PoisonDeadLettered(log),
                  " dead-lettered); dead-letter records: ", log.dead_letter_records, "\n");
  AppendItems<Fork>(out, "fork", log.forks, max_items, [](const Fork& f) { return Describe(f); });
  AppendItems<Gap>(out, "gap", log.gaps, max_items, [](const Gap& g) { return Describe(g); });
  AppendItems<BadStart>(out, "bad start", log.bad_starts, max_items,
                        [](const BadStart& b) { return absl::StrCat(b.case_id, ": ", b.problem); });
  AppendItems<DuplicateSubmission>(out, "duplicate submitted", log.duplicate_submissions, max_items,
                                   [](const DuplicateSubmission& d) { return Describe(d); });
  AppendItems<std::string>(out, "projection differs", p.differences, max_items,
                           [](const std::string& d) { return d; });
  AppendItems<Lagging>(out, "stuck", p.stuck, max_items, [](const Lagging& l) { return Describe(l); });
  AppendItems<Lagging>(out, "ahead", p.ahead, max_items, [](const Lagging& l) { return Describe(l); });
  AppendItems<Lagging>(out, "parked", p.parked, max_items, [](const Lagging& l) { return Describe(l); });
  AppendItems<AlarmDuplicate>(out, "alarm duplicate", log.alarm_duplicates, max_items,
                              [](const AlarmDuplicate& a) { return Describe(a); });
  AppendItems<PoisonRecord>(out, "poison", log.poison, max_items, [](const PoisonRecord& p) { return Describe(p); });
  absl::StrAppend(&out, r.Violated() ? "result: VIOLATED" : "result: OK", " (", r.rounds,
                  r.rounds == 1 ? " round" : " rounds", ", ", absl::FormatDuration(r.elapsed), ")\n");
  return out;
}

std::string SummaryJson(const AuditReport& r, int max_items) {
  const LogFindings& log = r.log;
  const ProjectionFindings& p = r.projections;
  nlohmann::json j;
  j["ok"] = !r.Violated();
  j["topics"] = Count(r.topics.size());
  j["records"] = log.records;
  j["versioned_records"] = log.versioned_records;
  j["advisory_records"] = log.advisory_records;
  j["cases"] = Count(log.max_versions.size());
  j["versions"] = log.versions;
  j["forks"] = Count(log.forks.size());
  j["gaps"] = Count(log.gaps.size());
  j["bad_starts"] = Count(log.bad_starts.size());
  j["duplicate_submitted"] = Count(log.duplicate_submissions.size());
  j["duplicate_copies"] = log.duplicate_copies;
  j["projection_differences"] = Count(p.differences.size());
  j["projection_error"] = r.projection_error;
  j["cases_compared"] = p.cases_compared;
  j["queues_compared"] = p.queues_compared;
  j["stuck"] = Count(p.stuck.size());
  j["ahead"] = Count(p.ahead.size());
  j["parked"] = Count(p.parked.size());
  j["alarms"] = log.alarms;
  j["alarm_duplicates"] = Count(log.alarm_duplicates.size());
  j["poison"] = Count(log.poison.size());
  j["poison_dead_lettered"] = PoisonDeadLettered(log);
  j["dead_letter_records"] = log.dead_letter_records;
  j["rounds"] = r.rounds;
  j["elapsed_ms"] = absl::ToInt64Milliseconds(r.elapsed);
  nlohmann::json& items = j["findings"];
  items["forks"] = JsonItems<Fork>(log.forks, max_items, [](const Fork& f) {
    nlohmann::json variants = nlohmann::json::array();
    for (const EventSighting& s : f.variants) variants.push_back(Json(s));
    return nlohmann::json{{"case_id", f.case_id}, {"version", f.version}, {"variants", variants}};
  });
  items["gaps"] = JsonItems<Gap>(log.gaps, max_items, [](const Gap& g) {
    return nlohmann::json{{"case_id", g.case_id}, {"max_version", g.max_version}, {"missing", g.missing}};
  });
  items["bad_starts"] = JsonItems<BadStart>(log.bad_starts, max_items, [](const BadStart& b) {
    return nlohmann::json{{"case_id", b.case_id}, {"problem", b.problem}};
  });
  items["duplicate_submitted"] =
      JsonItems<DuplicateSubmission>(log.duplicate_submissions, max_items, [](const DuplicateSubmission& d) {
        nlohmann::json submissions = nlohmann::json::array();
        for (const EventSighting& s : d.submissions) submissions.push_back(Json(s));
        return nlohmann::json{{"case_id", d.case_id}, {"submissions", submissions}};
      });
  items["projection_differences"] =
      JsonItems<std::string>(p.differences, max_items, [](const std::string& d) { return nlohmann::json(d); });
  items["stuck"] = JsonItems<Lagging>(p.stuck, max_items, [](const Lagging& l) { return Json(l); });
  items["ahead"] = JsonItems<Lagging>(p.ahead, max_items, [](const Lagging& l) { return Json(l); });
  items["parked"] = JsonItems<Lagging>(p.parked, max_items, [](const Lagging& l) { return Json(l); });
  items["alarm_duplicates"] = JsonItems<AlarmDuplicate>(log.alarm_duplicates, max_items, [](const AlarmDuplicate& a) {
    nlohmann::json records = nlohmann::json::array();
    for (const RecordPosition& at : a.records) records.push_back(Json(at));
    return nlohmann::json{{"event_id", a.event_id}, {"records", records}};
  });
  items["poison"] = JsonItems<PoisonRecord>(log.poison, max_items, [](const PoisonRecord& p) {
    return nlohmann::json{{"at", Json(p.at)}, {"reason", p.reason}, {"dead_lettered", p.dead_lettered}};
  });
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gridcase::audit
