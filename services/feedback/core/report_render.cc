#include "services/feedback/core/report_render.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/events/proto_time.h"
#include "libs/validation/utf8.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/report.h"

namespace gridcase::feedback {
namespace {

std::string Time(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", events::FromProto(ts), CountyZone());
}

std::string ShortTime(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "—";
  return absl::FormatTime("%Y-%m-%d %H:%M", events::FromProto(ts), CountyZone());
}

std::string Fraction(bool has, double value) { return has ? absl::StrFormat("%.4f", value) : ""; }

std::string Percent(bool has, double value) { return has ? absl::StrFormat("%.1f%%", value * 100) : "—"; }

std::string Csv(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void CsvRow(std::string& out, const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  for (const std::string& cell : cells) escaped.push_back(Csv(cell));
  absl::StrAppend(&out, absl::StrJoin(escaped, ","), "\r\n");
}

std::vector<std::string> UnitCells(const std::string& section, const v1::UnitStats& s) {
  return {section,
          s.code(),
          s.name(),
          s.kind(),
          s.rank() > 0 ? absl::StrCat(s.rank()) : "",
          Fraction(s.has_score(), s.score()),
          Fraction(s.has_response_rate(), s.response_rate()),
          Fraction(s.has_resolution_rate(), s.resolution_rate()),
          Fraction(s.has_satisfaction_rate(), s.satisfaction_rate()),
          Fraction(s.has_on_time_rate(), s.on_time_rate()),
          absl::StrCat(s.received()),
          absl::StrCat(s.sign_offs_due()),
          absl::StrCat(s.sign_offs_on_time()),
          absl::StrCat(s.resolved()),
          absl::StrCat(s.resolved_on_time()),
          absl::StrCat(s.overdue()),
          absl::StrCat(s.rated()),
          absl::StrCat(s.satisfied()),
          absl::StrCat(s.basically_satisfied()),
          absl::StrCat(s.dissatisfied()),
          absl::StrCat(s.problem_solved()),
          absl::StrCat(s.not_rated()),
          absl::StrCat(s.reopened())};
}

std::string Html(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// At most `max` characters (code points) of a UTF-8 string, with an ellipsis when cut.
std::string Clip(absl::string_view text, size_t max) {
  size_t chars = 0, i = 0;
  while (i < text.size() && chars < max) {
    i += validation::Utf8SequenceLength(static_cast<unsigned char>(text[i]));
    ++chars;
  }
  if (i >= text.size()) return std::string(text);
  return absl::StrCat(text.substr(0, i), "…");
}

std::string Hours(int64_t seconds) {
  if (seconds >= 86400) return absl::StrFormat("%.1f 天", seconds / 86400.0);
  return absl::StrFormat("%.1f 小时", seconds / 3600.0);
}

constexpr const char* kResponseColor = "#2563eb";
constexpr const char* kResolutionColor = "#059669";
constexpr const char* kSatisfactionColor = "#d97706";

// Horizontal grouped bars: the three rates of each ranked unit (at most 12).
std::string RatesChart(const v1::Report& report) {
  std::vector<const v1::UnitStats*> ranked;
  for (const v1::UnitStats& s : report.units()) {
    if (s.rank() > 0 && ranked.size() < 12) ranked.push_back(&s);
  }
  if (ranked.empty()) return "<p class=\"empty\">本期没有可计算三率的单位。</p>";
  const int label_w = 230, bar_w = 820, bar_h = 13, group_h = 3 * bar_h + 14, top = 34;
  const int width = label_w + bar_w + 90;
  const int height = top + static_cast<int>(ranked.size()) * group_h + 10;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "aria-label=\"各单位三率\">",
      width, height, width, height);
  const char* names[] = {"响应率", "解决率", "满意率"};
  const char* colors[] = {kResponseColor, kResolutionColor, kSatisfactionColor};
  for (int k = 0; k < 3; ++k) {
    int x = label_w + k * 110;
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%d\" y=\"6\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                          "<text x=\"%d\" y=\"18\" class=\"legend\">%s</text>",
                          x, colors[k], x + 20, names[k]);
  }
  for (int pct = 0; pct <= 100; pct += 25) {
    int x = label_w + bar_w * pct / 100;
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
                          "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%d%%</text>",
                          x, top - 4, x, height - 8, x, height, pct);
  }
  for (size_t i = 0; i < ranked.size(); ++i) {
    const v1::UnitStats& s = *ranked[i];
    int y = top + static_cast<int>(i) * group_h;
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">%d. %s</text>",
                          label_w - 10, y + group_h / 2 + 2, s.rank(), Html(Clip(s.name(), 14)));
    const bool has[] = {s.has_response_rate(), s.has_resolution_rate(), s.has_satisfaction_rate()};
    const double values[] = {s.response_rate(), s.resolution_rate(), s.satisfaction_rate()};
    for (int k = 0; k < 3; ++k) {
      int by = y + k * bar_h + 2;
      int w = has[k] ? static_cast<int>(values[k] * bar_w + 0.5) : 0;
      absl::StrAppendFormat(&svg, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" rx=\"2\"/>", label_w,
                            by, std::max(w, has[k] ? 1 : 0), bar_h - 2, colors[k]);
      absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" class=\"value\">%s</text>", label_w + w + 6, by + bar_h - 3,
                            Percent(has[k], values[k]));
    }
  }
  svg += "</svg>";
  return svg;
}

// Vertical bars of counts.
std::string CountChart(const std::string& title, const google::protobuf::RepeatedPtrField<v1::CountEntry>& entries,
                       const char* color) {
  if (entries.empty()) return absl::StrCat("<p class=\"empty\">", Html(title), "：本期无数据。</p>");
  int64_t max = 1;
  for (const v1::CountEntry& e : entries) max = std::max(max, e.count());
  const int slot = 92, chart_h = 200, top = 30, bottom = 40;
  const int width = std::max(360, static_cast<int>(entries.size()) * slot + 40);
  const int height = top + chart_h + bottom;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "aria-label=\"%s\"><text x=\"10\" y=\"18\" class=\"legend\">%s</text>",
      width, height, width, height, Html(title), Html(title));
  absl::StrAppendFormat(&svg, "<line x1=\"20\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", top + chart_h,
                        width - 10, top + chart_h);
  for (int i = 0; i < entries.size(); ++i) {
    const v1::CountEntry& e = entries[i];
    int h = static_cast<int>(static_cast<double>(e.count()) / max * (chart_h - 20) + 0.5);
    int x = 30 + i * slot;
    absl::StrAppendFormat(&svg, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" rx=\"3\"/>", x + 14,
                          top + chart_h - h, slot - 36, h, color);
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" class=\"value\" text-anchor=\"middle\">%d</text>",
                          x + slot / 2 - 4, top + chart_h - h - 6, e.count());
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">%s</text>",
                          x + slot / 2 - 4, top + chart_h + 22, Html(Clip(e.name(), 7)));
  }
  svg += "</svg>";
  return svg;
}

constexpr char kStyle[] = R"css(
body{margin:0;background:#f4f6f9;color:#1f2937;font:14px/1.5 "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",
"WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-left:4px solid #2563eb;padding-left:10px}
.meta{color:#6b7280;margin-bottom:18px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card .k{color:#6b7280;font-size:13px}.card .v{font-size:26px;font-weight:700}.card .s{color:#6b7280;font-size:12px}
.panel{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);overflow-x:auto}
.row{display:flex;gap:12px;flex-wrap:wrap}.row .panel{flex:1}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:right;white-space:nowrap}
th{background:#f9fafb;color:#374151}td.t,th.t{text-align:left;white-space:normal}
tr.top td{background:#eff6ff}
svg text{font-family:inherit}svg .label{font-size:13px;fill:#374151}svg .value{font-size:12px;fill:#111827}
svg .legend{font-size:13px;fill:#111827}svg .tick{font-size:11px;fill:#6b7280}
svg .grid{stroke:#e5e7eb}svg .axis{stroke:#9ca3af}
.empty{color:#6b7280}.note{color:#6b7280;font-size:12px;margin-top:24px}
.bad{color:#b91c1c;font-weight:600}
)css";

std::string Card(const std::string& key, const std::string& value, const std::string& sub) {
  return absl::StrCat("<div class=\"card\"><div class=\"k\">", Html(key), "</div><div class=\"v\">", Html(value),
                      "</div><div class=\"s\">", Html(sub), "</div></div>");
}

}  // namespace

std::string RenderJson(const v1::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  options.add_whitespace = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(report, &out, options);
  return out;
}

std::string RenderCsv(const v1::Report& report) {
  std::string out = "\xEF\xBB\xBF";
  CsvRow(out, {"section", "from", "to", "area", "area_name", "generated_at", "submitted", "invalid", "duplicate",
               "closed", "weight_satisfied", "weight_basically", "weight_dissatisfied"});
  CsvRow(out,
         {"report", report.from(), report.to(), report.area(), report.area_name(), Time(report.generated_at()),
          absl::StrCat(report.submitted()), absl::StrCat(report.invalid()), absl::StrCat(report.duplicate()),
          absl::StrCat(report.closed()), absl::StrFormat("%.2f", report.weight_satisfied()),
          absl::StrFormat("%.2f", report.weight_basically()), absl::StrFormat("%.2f", report.weight_dissatisfied())});
  out += "\r\n";
  CsvRow(out, {"section",
               "code",
               "name",
               "kind",
               "rank",
               "score",
               "response_rate",
               "resolution_rate",
               "satisfaction_rate",
               "on_time_rate",
               "received",
               "sign_offs_due",
               "sign_offs_on_time",
               "resolved",
               "resolved_on_time",
               "overdue",
               "rated",
               "satisfied",
               "basically_satisfied",
               "dissatisfied",
               "problem_solved",
               "not_rated",
               "reopened"});
  CsvRow(out, UnitCells("total", report.totals()));
  for (const v1::UnitStats& s : report.units()) CsvRow(out, UnitCells("unit", s));
  out += "\r\n";
  CsvRow(out, {"section", "key", "name", "count"});
  for (const v1::CountEntry& e : report.by_category()) {
    CsvRow(out, {"category", e.key(), e.name(), absl::StrCat(e.count())});
  }
  for (const v1::CountEntry& e : report.by_channel()) {
    CsvRow(out, {"channel", e.key(), e.name(), absl::StrCat(e.count())});
  }
  out += "\r\n";
  CsvRow(out, {"section", "case_id", "cycle", "title", "grid_code", "unit_code", "unit_name", "due_at", "resolved_at",
               "late_by_hours", "category"});
  for (const v1::OverdueEntry& e : report.overdue()) {
    CsvRow(out, {"overdue", e.case_id(), absl::StrCat(e.cycle()), e.title(), e.grid_code(), e.unit_code(),
                 e.unit_name(), Time(e.due_at()), Time(e.resolved_at()),
                 absl::StrFormat("%.1f", e.late_by().seconds() / 3600.0), v1::Category_Name(e.category())});
  }
  out += "\r\n";
  CsvRow(out, {"section", "grid_code", "grid_name", "catalogue_item", "item_name", "count"});
  for (const v1::HotSpot& h : report.hot_spots()) {
    CsvRow(out, {"hot_spot", h.grid_code(), h.grid_name(), h.catalogue_item(), h.item_name(), absl::StrCat(h.count())});
  }
  out += "\r\n";
  CsvRow(out, {"section", "alert_id", "grid_code", "catalogue_item", "case_count", "window_start", "last_case_at"});
  for (const v1::HotSpotAlert& a : report.alerts()) {
    CsvRow(out, {"alert", a.alert_id(), a.grid_code(), a.catalogue_item(), absl::StrCat(a.case_count()),
                 Time(a.window_start()), Time(a.last_case_at())});
  }
  out += "\r\n";
  CsvRow(out, {"section", "person_id", "name", "grid_code", "grid_name", "verified", "verified_on_time", "satisfied",
               "points"});
  for (const v1::WorkerStats& w : report.workers()) {
    CsvRow(out, {"worker", w.person_id(), w.name(), w.grid_code(), w.grid_name(), absl::StrCat(w.verified()),
                 absl::StrCat(w.verified_on_time()), absl::StrCat(w.satisfied()), absl::StrCat(w.points())});
  }
  return out;
}

std::string RenderHtml(const v1::Report& report) {
  const v1::UnitStats& t = report.totals();
  std::string h;
  absl::StrAppend(&h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>",
                  Html(report.area_name()), " 群众诉求办理统计报告 ", Html(report.from()), " 至 ", Html(report.to()),
                  "</title><style>", kStyle, "</style></head><body><main>");
  absl::StrAppend(&h, "<h1>", Html(report.area_name()), " · 群众诉求办理统计报告</h1>");
  absl::StrAppend(&h, "<div class=\"meta\">统计期间：", Html(report.from()), " 至 ", Html(report.to()),
                  "（不含）　区域代码：", Html(report.area().empty() ? "全部" : report.area()), "　生成时间：",
                  Html(ShortTime(report.generated_at())), "</div>");

  h += "<div class=\"cards\">";
  h += Card("受理诉求", absl::StrCat(report.submitted(), " 件"),
            absl::StrCat("无效 ", report.invalid(), " · 重复 ", report.duplicate(), " · 办结归档 ", report.closed()));
  h += Card("办结", absl::StrCat(t.resolved(), " 件"),
            absl::StrCat("按期办结率 ", Percent(t.has_on_time_rate(), t.on_time_rate())));
  h += Card("超期", absl::StrCat(t.overdue(), " 件"), absl::StrCat("重办 ", t.reopened(), " 件"));
  h += Card("群众评价", absl::StrCat(t.rated(), " 件"), absl::StrCat("超时未评价 ", t.not_rated(), " 件"));
  h += Card("响应率", Percent(t.has_response_rate(), t.response_rate()),
            absl::StrCat("按时签收 ", t.sign_offs_on_time(), " / 应签收 ", t.sign_offs_due()));
  h += Card("解决率", Percent(t.has_resolution_rate(), t.resolution_rate()),
            absl::StrCat("已解决 ", t.problem_solved(), " / 评价 ", t.rated()));
  h += Card(
      "满意率", Percent(t.has_satisfaction_rate(), t.satisfaction_rate()),
      absl::StrCat("满意 ", t.satisfied(), " · 基本满意 ", t.basically_satisfied(), " · 不满意 ", t.dissatisfied()));
  h += Card("风险预警", absl::StrCat(report.alerts_size(), " 条"),
            absl::StrCat("高发问题 ", report.hot_spots_size(), " 项"));
  h += "</div>";

  h += "<h2>各单位三率（前 12 名）</h2><div class=\"panel\">" + RatesChart(report) + "</div>";
  h += "<h2>诉求分类与来源</h2><div class=\"row\"><div class=\"panel\">" +
       CountChart("按类别", report.by_category(), "#6366f1") + "</div><div class=\"panel\">" +
       CountChart("按渠道", report.by_channel(), "#0891b2") + "</div></div>";

  h += "<h2>单位排名</h2><div class=\"panel\"><table><tr><th>名次</th><th class=\"t\">单位</th><th>综合得分</th>"
       "<th>响应率</th><th>解决率</th><th>满意率</th><th>按期办结率</th><th>接收</th><th>办结</th><th>超期</th>"
       "<th>评价</th><th>不满意</th><th>重办</th></tr>";
  for (const v1::UnitStats& s : report.units()) {
    absl::StrAppend(&h, s.rank() >= 1 && s.rank() <= 3 ? "<tr class=\"top\">" : "<tr>", "<td>",
                    s.rank() > 0 ? absl::StrCat(s.rank()) : "—", "</td><td class=\"t\">", Html(s.name()), "<br><small>",
                    Html(s.code()), "</small></td><td>", s.has_score() ? absl::StrFormat("%.1f", s.score() * 100) : "—",
                    "</td><td>", Percent(s.has_response_rate(), s.response_rate()), "</td><td>",
                    Percent(s.has_resolution_rate(), s.resolution_rate()), "</td><td>",
                    Percent(s.has_satisfaction_rate(), s.satisfaction_rate()), "</td><td>",
                    Percent(s.has_on_time_rate(), s.on_time_rate()), "</td><td>", s.received(), "</td><td>",
                    s.resolved(), "</td><td>", s.overdue(), "</td><td>", s.rated(), "</td><td>", s.dissatisfied(),
                    "</td><td>", s.reopened(), "</td></tr>");
  }
  h += "</table></div>";

  h += "<h2>超期清单</h2><div class=\"panel\">";
  if (report.overdue().empty()) {
    h += "<p class=\"empty\">本期没有超期件。</p>";
  } else {
    h += "<table><tr><th class=\"t\">编号</th><th class=\"t\">标题</th><th class=\"t\">责任单位</th><th>办结时限</th>"
         "<th>办结时间</th><th>超期</th></tr>";
    for (const v1::OverdueEntry& e : report.overdue()) {
      absl::StrAppend(&h, "<tr><td class=\"t\">", Html(e.case_id()),
                      e.cycle() > 1 ? absl::StrCat("（第", e.cycle(), "轮）") : "", "</td><td class=\"t\">",
                      Html(Clip(e.title(), 30)), "</td><td class=\"t\">", Html(e.unit_name()), "</td><td>",
                      ShortTime(e.due_at()), "</td><td>",
                      e.has_resolved_at() ? ShortTime(e.resolved_at()) : "<span class=\"bad\">未办结</span>",
                      "</td><td class=\"bad\">", Hours(e.late_by().seconds()), "</td></tr>");
    }
    h += "</table>";
  }
  h += "</div>";

  h += "<h2>高发问题与风险预警</h2><div class=\"row\"><div class=\"panel\">";
  if (report.hot_spots().empty()) {
    h += "<p class=\"empty\">本期没有同一网格重复发生的问题。</p>";
  } else {
    h += "<table><tr><th class=\"t\">网格</th><th class=\"t\">问题</th><th>件数</th></tr>";
    for (const v1::HotSpot& s : report.hot_spots()) {
      absl::StrAppend(&h, "<tr><td class=\"t\">", Html(s.grid_name()), "</td><td class=\"t\">", Html(s.item_name()),
                      "</td><td>", s.count(), "</td></tr>");
    }
    h += "</table>";
  }
  h += "</div><div class=\"panel\">";
  if (report.alerts().empty()) {
    h += "<p class=\"empty\">本期没有风险预警。</p>";
  } else {
    // Names from the hot-spot list, which holds every grid and item that raised an alert in the period.
    std::map<std::string, std::string> names;
    for (const v1::HotSpot& s : report.hot_spots()) {
      names[s.grid_code()] = s.grid_name();
      names[s.catalogue_item()] = s.item_name();
    }
    auto name = [&names](const std::string& code) {
      auto it = names.find(code);
      return it == names.end() ? code : it->second;
    };
    h += "<table><tr><th class=\"t\">预警</th><th>件数</th><th>首件时间</th><th>末件时间</th></tr>";
    for (const v1::HotSpotAlert& a : report.alerts()) {
      absl::StrAppend(&h, "<tr><td class=\"t\">", Html(name(a.grid_code())), " · ", Html(name(a.catalogue_item())),
                      "</td><td class=\"bad\">", a.case_count(), "</td><td>", ShortTime(a.window_start()), "</td><td>",
                      ShortTime(a.last_case_at()), "</td></tr>");
    }
    h += "</table>";
  }
  h += "</div></div>";

  h += "<h2>网格员工作量与积分</h2><div class=\"panel\">";
  if (report.workers().empty()) {
    h += "<p class=\"empty\">本期没有核单记录。</p>";
  } else {
    h += "<table><tr><th class=\"t\">网格员</th><th class=\"t\">网格</th><th>核单</th><th>按时核单</th>"
         "<th>满意评价</th><th>积分</th></tr>";
    for (const v1::WorkerStats& w : report.workers()) {
      absl::StrAppend(&h, "<tr><td class=\"t\">", Html(w.name()), "</td><td class=\"t\">",
                      Html(w.grid_name().empty() ? w.grid_code() : w.grid_name()), "</td><td>", w.verified(),
                      "</td><td>", w.verified_on_time(), "</td><td>", w.satisfied(), "</td><td><b>", w.points(),
                      "</b></td></tr>");
    }
    h += "</table>";
  }
  h += "</div>";
  absl::StrAppend(
      &h,
      "<p "
      "class=\"note\">"
      "口径：响应率＝按时签收件次／应签收件次（已到期或已签收）；解决率＝群众认为问题已解决的评价数／评价数；"
      "满意率＝（满意×",
      absl::StrFormat("%.2g", report.weight_satisfied()), "＋基本满意×",
      absl::StrFormat("%.2g", report.weight_basically()), "＋不满意×",
      absl::StrFormat("%.2g", report.weight_dissatisfied()),
      "）／评价数；按期办结率＝按期办结数／办结数。详见 docs/FEEDBACK.md。</p>");
  h += "</main></body></html>\n";
  return h;
}

RenderedReport Render(const v1::Report& report, v1::ReportFormat format) {
  switch (format) {
    case v1::REPORT_FORMAT_CSV:
      return {"text/csv; charset=utf-8", RenderCsv(report)};
    case v1::REPORT_FORMAT_HTML:
      return {"text/html; charset=utf-8", RenderHtml(report)};
    default:
      return {"application/json", RenderJson(report)};
  }
}

}  // namespace gridcase::feedback
