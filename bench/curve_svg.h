#pragma once

#include <string>
#include <vector>

namespace gridcase::bench {

// One load step: the throughput reached and the latency percentiles at it.
struct CurvePoint {
  std::string label;  // e.g. "5000/s" or "max 256".
  double cases_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
};

// A self-contained SVG chart of latency (log scale, ms) against throughput (cases/s): one line per percentile
// through the points in the order given, each point labelled, and a vertical mark at `ceiling` cases/s when it fits.
std::string ThroughputLatencySvg(const std::vector<CurvePoint>& points, double ceiling, const std::string& title);

}  // namespace gridcase::bench
