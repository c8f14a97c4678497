#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gridcase::audit {

// A case whose projection is not at the log's highest version.
struct Lagging {
  std::string case_id;
  int64_t projected = 0;  // 0: not projected at all.
  int64_t logged = 0;
};

// The projections' half of the audit.
struct ProjectionFindings {
  int64_t cases_compared = 0;
  int64_t queues_compared = 0;
  // Keys where the live projections differ from a rebuild of the log (case views, timelines, work queues, the case
  // index), except those of parked cases; and cases projected that the log does not have.
  std::vector<std::string> differences;
  std::vector<Lagging> stuck;   // Behind the log, not parked: a violation.
  std::vector<Lagging> parked;  // Listed by the parking store, whatever their versions: reported, not a violation.
  std::vector<Lagging> ahead;   // Projected past the log's highest version: a violation.
};

// Compares the projected version of every case with the log's highest version. `differences` are those the
// key-by-key comparison with a rebuild found ("case view of <id>", "timeline of <id>", …); the ones naming a parked
// case are left out.
ProjectionFindings CheckProjections(const std::map<std::string, int64_t>& log_max_versions,
                                    const std::map<std::string, int64_t>& projected_versions,
                                    const std::set<std::string>& parked, const std::vector<std::string>& differences);

}  // namespace gridcase::audit
