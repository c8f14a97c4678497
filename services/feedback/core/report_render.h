#pragma once

#include <string>

#include "gridcase/v1/feedback.pb.h"

namespace gridcase::feedback {

// The report as JSON: the Report message with proto field names, every field printed.
std::string RenderJson(const v1::Report& report);

// The report as CSV (UTF-8 with a byte-order mark, for spreadsheet programs): one table per section, each with its
// header row and the section name in the first column, tables separated by an empty line. Sections: report, total,
// unit, category, channel, overdue, hot_spot, alert, worker. Rates are fractions with 4 decimals, empty when a rate
// has no data; times are RFC 3339 in Asia/Shanghai.
std::string RenderCsv(const v1::Report& report);

// The report as one self-contained HTML page for a supervisor: key figures, inline SVG bar charts (the three rates
// per unit, cases by category and channel) and tables (ranking, overdue list, hot spots and alerts, grid workers).
// No scripts, no external resources.
std::string RenderHtml(const v1::Report& report);

struct RenderedReport {
  std::string content_type;
  std::string body;
};
// The report in `format` (JSON for REPORT_FORMAT_UNSPECIFIED).
RenderedReport Render(const v1::Report& report, v1::ReportFormat format);

}  // namespace gridcase::feedback
