#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/stats_store.h"
#include "services/feedback/core/unit_directory.h"

namespace gridcase::feedback {

// The period (whole days, Asia/Shanghai) and area a report covers.
struct ReportQuery {
  absl::CivilDay from;
  absl::CivilDay to;  // Exclusive.
  std::string area;   // County, township, community or grid code; empty: everything.
};

// Checks the request's fields; INVALID_ARGUMENT names the field ("from", "to", "area").
absl::StatusOr<ReportQuery> ParseReportQuery(const std::string& from, const std::string& to, const std::string& area,
                                             const UnitDirectory& units);

// Fills the counters of `stats` from a row's summed fields and computes its rates and score (docs/FEEDBACK.md):
//   响应率 = so_on_time / so_due        (sign-off obligations settled)
//   解决率 = solved / rated              (ratings with problem_solved)
//   满意率 = Σ weight(answer) / rated    (满意 1.0, 基本满意 0.8, 不满意 0 by default)
//   按期办结率 = resolved_on_time / resolved
//   score = weighted mean of the three rates the unit has data for.
void FillRates(const std::map<std::string, int64_t>& fields, const FeedbackPolicy& policy, v1::UnitStats* stats);

// The periodic statistical report of an area, read off the counters (never by scanning cases): the period is tiled
// with month and day counters (CoverDays) and the rows of the area's units are summed.
class ReportBuilder {
 public:
  // Pointers must outlive the builder.
  ReportBuilder(StatsStore* store, const UnitDirectory* units, FeedbackPolicy policy, std::function<absl::Time()> now)
      : store_(store), units_(units), policy_(std::move(policy)), now_(std::move(now)) {}

  absl::StatusOr<v1::Report> Build(const ReportQuery& query);

 private:
  StatsStore* store_;
  const UnitDirectory* units_;
  FeedbackPolicy policy_;
  std::function<absl::Time()> now_;
};

// Display names of the enums, in Chinese.
std::string ChannelLabel(v1::Channel channel);
std::string SatisfactionLabel(v1::Satisfaction satisfaction);

}  // namespace gridcase::feedback
