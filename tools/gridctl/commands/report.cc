// report: the feedback service's periodic statistical report (GetReport): 三率, rankings, overdue, hot spots.
#include <fstream>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "tools/gridctl/commands/stub.h"
#include "tools/gridctl/core/case_format.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

bool IsDay(const std::string& text) {
  static const std::regex kDay(R"(\d{4}-\d{2}-\d{2})");
  absl::CivilDay day;
  return std::regex_match(text, kDay) && absl::ParseCivilTime(text, &day);
}

int Report(Invocation& in) {
  const Args& a = in.args();
  if (!a.positional().empty()) return in.Usage("takes no positional arguments (see --from, --to, --area)");
  // Default period: this month so far, in China's time zone as the service counts days.
  absl::TimeZone shanghai;
  if (!absl::LoadTimeZone("Asia/Shanghai", &shanghai)) shanghai = absl::FixedTimeZone(8 * 3600);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
  const std::string from = a.Get("from", absl::FormatCivilTime(absl::CivilDay(absl::CivilMonth(today))));
  const std::string to = a.Get("to", absl::FormatCivilTime(today + 1));
  if (!IsDay(from)) return in.Usage(absl::StrCat("--from: '", from, "' is not a day (YYYY-MM-DD)"));
  if (!IsDay(to)) return in.Usage(absl::StrCat("--to: '", to, "' is not a day (YYYY-MM-DD)"));
  const std::string format = absl::AsciiStrToLower(a.Get("format", "table"));
  v1::GetReportRequest request;
  request.set_from(from);
  request.set_to(to);
  request.set_area(a.Get("area"));
  if (format == "json") {
    request.set_format(v1::REPORT_FORMAT_JSON);
  } else if (format == "csv") {
    request.set_format(v1::REPORT_FORMAT_CSV);
  } else if (format == "html") {
    request.set_format(v1::REPORT_FORMAT_HTML);
  } else if (format != "table") {
    return in.Usage(absl::StrCat("--format: '", format, "' is not one of table, json, csv, html"));
  }
  return WithStub<v1::FeedbackService>(in, "feedback", [&](Connection& c, v1::FeedbackService::Stub& feedback) {
    v1::GetReportResponse response;
    auto context = c.Context();
    grpc::Status status = feedback.GetReport(context.get(), request, &response);
    if (!status.ok()) return in.Fail(FromGrpc(status), "feedback");
    std::string text;
    if (request.format() != v1::REPORT_FORMAT_UNSPECIFIED) {
      text = response.document();
    } else if (in.json()) {
      text = ToJson(response.report()) + "\n";
    } else {
      text = ReportText(response.report());
    }
    if (a.Has("output")) {
      std::ofstream file(a.Get("output"), std::ios::binary | std::ios::trunc);
      if (!(file << text) || !file.flush()) {
        return in.Usage(absl::StrCat("--output: cannot write ", a.Get("output")));
      }
      in.err() << "wrote " << text.size() << " bytes (" << (format == "table" ? "text" : format) << ") to "
               << a.Get("output") << "\n";
    } else {
      in.out() << text;
      if (!text.empty() && text.back() != '\n') in.out() << "\n";
    }
    return ToInt(ExitCode::kOk);
  });
}

}  // namespace

void RegisterReportSubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "report",
       .summary = "the statistical report for a period and area (GetReport): 三率, rankings, overdue, hot spots",
       .usage = "report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--area CODE] [--format table|json|csv|html] "
                "[--output FILE]",
       .description =
           "Days are China's (Asia/Shanghai); --to is exclusive. Default: this month so far. --format json, csv or "
           "html prints the service's rendered document; table (default) a summary and the units' ranking; --json "
           "the structured report.\nExample: gridctl report --from 2026-11-01 --to 2026-12-01 --area 330199001 "
           "--format html --output report.html",
       .options = {{"from", "DAY", "first day, inclusive (default: the 1st of this month)"},
                   {"to", "DAY", "last day, exclusive (default: tomorrow)"},
                   {"area", "CODE", "county, township, community or grid code (default: everything)"},
                   {"format", "FORMAT", "table (default), json, csv or html"},
                   {"output", "FILE", "write to FILE instead of stdout"}},
       .run = Report});
}

}  // namespace gridcase::gridctl
