#include "bench/curve_svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::bench {
namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 520;
constexpr double kLeft = 80;
constexpr double kRight = 30;
constexpr double kTop = 50;
constexpr double kBottom = 60;

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string ThroughputLatencySvg(const std::vector<CurvePoint>& points, double ceiling, const std::string& title) {
  double max_x = 1;
  double min_ms = 1e9;
  double max_ms = 0;
  for (const CurvePoint& p : points) {
    max_x = std::max(max_x, p.cases_per_s);
    for (double ms : {p.p50_ms, p.p99_ms, p.p999_ms}) {
      if (ms <= 0) continue;
      min_ms = std::min(min_ms, ms);
      max_ms = std::max(max_ms, ms);
    }
  }
  // The ceiling is drawn when it is within 4× of the best point, so the curve stays readable.
  const bool show_ceiling = ceiling > 0 && ceiling <= 4 * max_x;
  if (show_ceiling) max_x = std::max(max_x, ceiling);
  max_x *= 1.1;
  if (max_ms <= 0) {
    min_ms = 0.1;
    max_ms = 10;
  }
  const double low = std::pow(10, std::floor(std::log10(std::max(min_ms, 0.01))));
  const double high = std::pow(10, std::ceil(std::log10(max_ms * 1.01)));
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto x = [&](double v) { return kLeft + plot_w * v / max_x; };
  auto y = [&](double ms) {
    double clamped = std::clamp(ms, low, high);
    return kTop + plot_h * (1 - (std::log10(clamped) - std::log10(low)) / (std::log10(high) - std::log10(low)));
  };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      kWidth, kHeight, kWidth, kHeight);
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.0f\" y=\"24\" font-size=\"14\">%s</text>\n", kLeft,
                                        Escape(title)));
  // Axes, decades of latency, fifths of throughput.
  absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                                        "stroke=\"#444\"/>\n",
                                        kLeft, kTop, plot_w, plot_h));
  for (double ms = low; ms <= high * 1.001; ms *= 10) {
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g ms</text>\n",
                                          kLeft, y(ms), kLeft + plot_w, y(ms), kLeft - 6, y(ms) + 4, ms));
  }
  for (int i = 0; i <= 5; ++i) {
    double v = max_x * i / 5;
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
                                          x(v), kTop, x(v), kTop + plot_h, x(v), kTop + plot_h + 18, v));
  }
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">cases acknowledged per "
                                        "second</text>\n",
                                        kLeft + plot_w / 2, kHeight - 16));
  absl::StrAppend(&svg, absl::StrFormat("<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" "
                                        "text-anchor=\"middle\">SubmitCase latency (log)</text>\n",
                                        kTop + plot_h / 2, kTop + plot_h / 2));
  if (show_ceiling) {
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
                                          "stroke-dasharray=\"6 4\"/><text x=\"%.1f\" y=\"%.1f\" "
                                          "text-anchor=\"end\" fill=\"#666\">raw ceiling</text>\n",
                                          x(ceiling), kTop, x(ceiling), kTop + plot_h, x(ceiling) - 4, kTop + 14));
  }
  struct Series {
    const char* name;
    const char* color;
    double CurvePoint::*ms;
  };
  const Series series[] = {{"p50", "#1f77b4", &CurvePoint::p50_ms},
                           {"p99", "#ff7f0e", &CurvePoint::p99_ms},
                           {"p999", "#d62728", &CurvePoint::p999_ms}};
  int legend = 0;
  for (const Series& s : series) {
    std::string path;
    for (const CurvePoint& p : points) {
      if (p.*s.ms <= 0) continue;
      absl::StrAppend(&path, path.empty() ? "" : " ", absl::StrFormat("%.1f,%.1f", x(p.cases_per_s), y(p.*s.ms)));
      absl::StrAppend(&svg, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                                            x(p.cases_per_s), y(p.*s.ms), s.color));
    }
    absl::StrAppend(&svg, absl::StrFormat("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                                          "stroke-width=\"2\"/>\n",
                                          path, s.color));
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                                          "<text x=\"%.0f\" y=\"%d\">%s</text>\n",
                                          kLeft + 12, static_cast<int>(kTop) + 14 + 16 * legend, s.color, kLeft + 32,
                                          static_cast<int>(kTop) + 20 + 16 * legend, s.name));
    ++legend;
  }
  for (const CurvePoint& p : points) {
    absl::StrAppend(&svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">%s</text>\n",
                                          x(p.cases_per_s) + 5, y(p.p999_ms > 0 ? p.p999_ms : p.p50_ms) - 6,
                                          Escape(p.label)));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace gridcase::bench
