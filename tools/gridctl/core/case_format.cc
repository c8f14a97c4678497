#include "tools/gridctl/core/case_format.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "libs/events/proto_time.h"
#include "tools/gridctl/core/command_request.h"

namespace gridcase::gridctl {
namespace {

template <typename Enum>
std::string Short(const google::protobuf::EnumDescriptor* type, Enum value) {
  return ShortEnumName(type, static_cast<int>(value));
}

std::string Due(const google::protobuf::Timestamp& due, absl::Time now) {
  if (due.seconds() == 0 && due.nanos() == 0) return "-";
  return FormatSpan(events::FromProto(due) - now);
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& at, absl::TimeZone zone) {
  if (at.seconds() == 0 && at.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", events::FromProto(at), zone);
}

std::string FormatSpan(absl::Duration duration) {
  std::string sign = duration < absl::ZeroDuration() ? "-" : "";
  int64_t seconds = absl::ToInt64Seconds(absl::AbsDuration(duration));
  int64_t days = seconds / 86400, hours = (seconds / 3600) % 24, minutes = (seconds / 60) % 60, secs = seconds % 60;
  if (days > 0) return absl::StrCat(sign, days, "d ", hours, "h");
  if (hours > 0) return absl::StrCat(sign, hours, "h ", minutes, "m");
  if (minutes > 0) return absl::StrCat(sign, minutes, "m ", secs, "s");
  return absl::StrCat(sign, secs, "s");
}

std::string EventKind(const v1::CaseEvent& event) {
  const auto* oneof = v1::CaseEvent::descriptor()->FindOneofByName("payload");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? "" : field->name();
}

std::string EventDetail(const v1::CaseEvent& event) {
  const auto* oneof = v1::CaseEvent::descriptor()->FindOneofByName("payload");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return "";
  const google::protobuf::Message& payload = event.GetReflection()->GetMessage(event, field);
  if (field->name() == "submitted") {
    const v1::Case& initial = event.submitted().initial();
    return absl::StrCat(Short(v1::Channel_descriptor(), initial.channel()), " ", initial.text());
  }
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.SetUseUtf8StringEscaping(true);
  std::string out;
  printer.PrintToString(payload, &out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::pair<std::string, std::string>> CaseFields(const v1::Case& c, absl::Time now, absl::TimeZone zone) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"case", c.id()},
      {"version", absl::StrCat(c.version())},
      {"status", Short(v1::CaseStatus_descriptor(), c.status())},
      {"title", c.title()},
      {"text", c.text()},
      {"channel", Short(v1::Channel_descriptor(), c.channel())},
      {"category", absl::StrCat(Short(v1::Category_descriptor(), c.category()),
                                c.category_suggested() ? " (suggested)" : "", c.emergency() ? ", emergency" : "")},
      {"catalogue item", c.catalogue_item()},
      {"holder", c.holder_unit()},
      {"level", Short(v1::Level_descriptor(), c.level())},
      {"grid", c.location().needs_manual_grid() ? "(needs manual grid)" : c.location().grid_code()},
      {"address", c.location().address()},
      {"resident", absl::StrCat(c.resident().name(), c.resident().phone().empty() ? "" : " ", c.resident().phone())},
      {"department", c.department_code()},
      {"created", FormatTimestamp(c.created_at(), zone)},
      {"updated", FormatTimestamp(c.updated_at(), zone)},
      {"due", c.has_due_at() ? absl::StrCat(FormatTimestamp(c.due_at(), zone), " (", Due(c.due_at(), now), " left)")
                             : "-"},
  };
  if (c.paused()) fields.emplace_back("paused", "waiting for the resident");
  if (c.cycle() > 1) fields.emplace_back("cycle", absl::StrCat(c.cycle(), " (reopened ", c.reopen_count(), "×)"));
  if (!c.duplicate_of().empty()) fields.emplace_back("duplicate of", c.duplicate_of());
  if (!c.resolution_reply().empty()) fields.emplace_back("reply", c.resolution_reply());
  for (const v1::Resident& co : c.co_requesters()) {
    fields.emplace_back("co-requester", absl::StrCat(co.name(), " ", co.phone()));
  }
  for (const std::string& url : c.media_urls()) fields.emplace_back("media", url);
  std::vector<std::pair<std::string, std::string>> shown;
  for (auto& field : fields) {
    if (!field.second.empty()) shown.push_back(std::move(field));
  }
  return shown;
}

std::vector<std::pair<std::string, std::string>> SubmitFields(const v1::SubmitCaseResponse& r, absl::TimeZone zone) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"case", r.case_id()},
      {"grid", r.needs_manual_grid() ? "(needs manual grid)" : r.grid_code()},
      {"category", absl::StrCat(Short(v1::Category_descriptor(), r.suggested_category()),
                                r.emergency() ? ", emergency" : "")},
      {"expected by", FormatTimestamp(r.expected_at(), zone)},
  };
  if (r.duplicate_submit()) fields.emplace_back("note", "already submitted with this idempotency key (same case)");
  if (!r.linked_to_case_id().empty()) fields.emplace_back("linked to", r.linked_to_case_id());
  return fields;
}

Table TimelineTable(const std::vector<v1::CaseEvent>& events, absl::TimeZone zone) {
  Table table{.headers = {"version", "at", "actor", "event", "detail"}};
  for (const v1::CaseEvent& e : events) {
    std::string actor = Short(v1::Role_descriptor(), e.actor().role());
    if (!e.actor().unit_code().empty()) absl::StrAppend(&actor, " ", e.actor().unit_code());
    if (!e.actor().person_id().empty()) absl::StrAppend(&actor, " ", e.actor().person_id());
    table.Add({e.case_version() > 0 ? absl::StrCat(e.case_version()) : "-", FormatTimestamp(e.occurred_at(), zone),
               actor, EventKind(e), EventDetail(e)});
  }
  return table;
}

Table QueueTable(const std::vector<v1::Case>& cases, absl::Time now, absl::TimeZone zone) {
  Table table{.headers = {"case", "version", "status", "category", "due", "left", "title"}};
  for (const v1::Case& c : cases) {
    table.Add({c.id(), absl::StrCat(c.version()), Short(v1::CaseStatus_descriptor(), c.status()),
               absl::StrCat(Short(v1::Category_descriptor(), c.category()), c.emergency() ? "!" : ""),
               FormatTimestamp(c.due_at(), zone), Due(c.due_at(), now), c.title().empty() ? c.text() : c.title()});
  }
  return table;
}

Table OverdueTable(const std::vector<v1::OverdueClock>& clocks, absl::TimeZone zone) {
  Table table{.headers = {"case", "clock", "due", "late by", "holder", "level", "category", "status", "title"}};
  for (const v1::OverdueClock& c : clocks) {
    table.Add({c.case_id(), Short(v1::ClockKind_descriptor(), c.clock()), FormatTimestamp(c.due_at(), zone),
               FormatSpan(events::FromProtoDuration(c.late_by())), c.holder_unit(),
               Short(v1::Level_descriptor(), c.level()),
               absl::StrCat(Short(v1::Category_descriptor(), c.category()), c.emergency() ? "!" : ""),
               Short(v1::CaseStatus_descriptor(), c.status()), c.title()});
  }
  return table;
}

std::string AlertLine(const v1::SlaAlert& alert, absl::TimeZone zone) {
  const v1::CaseEvent& e = alert.event();
  std::string what;
  if (e.has_sla_breached()) {
    what = absl::StrCat("BREACH ", Short(v1::ClockKind_descriptor(), e.sla_breached().clock()), " due ",
                        FormatTimestamp(e.sla_breached().due_at(), zone));
  } else if (e.has_sla_warned()) {
    what = absl::StrCat("warning ", e.sla_warned().percent(), "% ",
                        Short(v1::ClockKind_descriptor(), e.sla_warned().clock()), " due ",
                        FormatTimestamp(e.sla_warned().due_at(), zone));
  } else {
    what = EventKind(e);
  }
  return absl::StrCat(FormatTimestamp(e.occurred_at(), zone), "  ", alert.case_id(), "  ", what, "  holder ",
                      alert.holder_unit(), "  ", Short(v1::Level_descriptor(), alert.level()), "  ", alert.title());
}

std::string Rate(bool has, double rate) { return has ? absl::StrFormat("%.1f%%", rate * 100) : "-"; }

std::string ReportText(const v1::Report& r) {
  std::string area = r.area().empty() ? "(all areas)" : r.area();
  if (!r.area_name().empty()) area = r.area().empty() ? r.area_name() : absl::StrCat(r.area(), " ", r.area_name());
  std::string out = absl::StrCat("report ", r.from(), " – ", r.to(), "  ", area, "\n");
  const v1::UnitStats& t = r.totals();
  out += RenderFields({
      {"submitted", absl::StrCat(r.submitted())},
      {"invalid / duplicate", absl::StrCat(r.invalid(), " / ", r.duplicate())},
      {"closed", absl::StrCat(r.closed())},
      {"响应率 response", Rate(t.has_response_rate(), t.response_rate())},
      {"解决率 resolution", Rate(t.has_resolution_rate(), t.resolution_rate())},
      {"满意率 satisfaction", Rate(t.has_satisfaction_rate(), t.satisfaction_rate())},
      {"按期办结率 on time", Rate(t.has_on_time_rate(), t.on_time_rate())},
      {"overdue", absl::StrCat(t.overdue())},
  });
  if (r.units_size() == 0) return out;
  Table units{.headers = {"rank", "unit", "name", "kind", "received", "resolved", "响应率", "解决率", "满意率",
                          "按期率", "score"}};
  for (const v1::UnitStats& u : r.units()) {
    units.Add({u.rank() > 0 ? absl::StrCat(u.rank()) : "-", u.code(), u.name(), u.kind(), absl::StrCat(u.received()),
               absl::StrCat(u.resolved()), Rate(u.has_response_rate(), u.response_rate()),
               Rate(u.has_resolution_rate(), u.resolution_rate()),
               Rate(u.has_satisfaction_rate(), u.satisfaction_rate()), Rate(u.has_on_time_rate(), u.on_time_rate()),
               u.has_score() ? absl::StrFormat("%.3f", u.score()) : "-"});
  }
  absl::StrAppend(&out, "\n", units.Render());
  return out;
}

}  // namespace gridcase::gridctl
