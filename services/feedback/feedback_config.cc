#include "services/feedback/feedback_config.h"

#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/config/config.h"

ABSL_FLAG(std::string, dispatch_addr, "127.0.0.1:8081", "dispatch's gRPC address: feedback rates, closes, reopens");
ABSL_FLAG(std::string, http_addr, "127.0.0.1:0",
          "HTTP listen address for SMS/app rating callbacks, reports and public disclosure (port 0 picks one)");
ABSL_FLAG(absl::Duration, dispatch_timeout, absl::Seconds(5), "Deadline of each call to dispatch");
ABSL_FLAG(std::vector<std::string>, rating_code_issuers, (std::vector<std::string>{"notify", "notifier"}),
          "Service identities (token subjects) that may be issued rating codes: the notifier that sends them");
ABSL_FLAG(absl::Duration, settle_poll, absl::Seconds(1), "How often the settle loop looks for due closures");
ABSL_FLAG(absl::Duration, rating_window, absl::Hours(72),
          "From resolution; no rating by then closes the case as not rated (REASON_NOT_RATED)");
ABSL_FLAG(int, max_reopens, 2, "Reopens after which a further 不满意 also escalates the case (提级)");
ABSL_FLAG(absl::Duration, settle_retry, absl::Seconds(15),
          "When a stored rating is checked again if its request did not carry it out");
ABSL_FLAG(int, max_code_attempts, 5, "Wrong codes for one closure before its code is void");
ABSL_FLAG(std::string, satisfaction_weights, "1.0,0.8,0", "Weights of 满意,基本满意,不满意 in the 满意率");
ABSL_FLAG(std::string, score_weights, "0.3,0.3,0.4", "Weights of 响应率,解决率,满意率 in a unit's ranking score");
ABSL_FLAG(std::string, points, "1,1,2",
          "Grid-worker 积分: per verified case, per verification within its deadline, per 满意 rating");
ABSL_FLAG(int, hot_spot_threshold, 3, "风险预警: cases of one catalogue item in one grid ...");
ABSL_FLAG(absl::Duration, hot_spot_window, absl::Hours(7 * 24), "... within this window raise an alert");
ABSL_FLAG(absl::Duration, default_sign_off_window, absl::Hours(4),
          "Sign-off deadline when the SLA service announced none (calendar time)");
ABSL_FLAG(absl::Duration, default_completion_window, absl::Hours(5 * 24),
          "Completion deadline of a handling cycle when the SLA service announced none (calendar time)");

namespace gridcase::feedback {
namespace {

absl::StatusOr<std::vector<double>> Numbers(const std::string& flag, const std::string& value, size_t count) {
  std::vector<double> out;
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    double d = 0;
    if (!absl::SimpleAtod(part, &d)) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", part, "\" is not a number"));
    }
    out.push_back(d);
  }
  if (out.size() != count) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": expected ", count, " comma-separated numbers"));
  }
  return out;
}

}  // namespace

absl::StatusOr<FeedbackConfig> LoadFeedbackConfig() {
  FeedbackConfig c;
  c.dispatch_addr = absl::GetFlag(FLAGS_dispatch_addr);
  c.http_addr = absl::GetFlag(FLAGS_http_addr);
  c.dispatch_timeout = absl::GetFlag(FLAGS_dispatch_timeout);
  c.settle_poll = absl::GetFlag(FLAGS_settle_poll);
  if (auto hp = config::ParseHostPort(c.dispatch_addr, "--dispatch_addr"); !hp.ok()) return hp.status();
  if (auto hp = config::ParseHostPort(c.http_addr, "--http_addr"); !hp.ok()) return hp.status();
  if (c.dispatch_timeout <= absl::ZeroDuration()) return absl::InvalidArgumentError("--dispatch_timeout: must be > 0");
  if (c.settle_poll <= absl::ZeroDuration()) return absl::InvalidArgumentError("--settle_poll: must be > 0");
  for (const std::string& issuer : absl::GetFlag(FLAGS_rating_code_issuers)) {
    if (!issuer.empty()) c.rating_code_issuers.insert(issuer);
  }

  FeedbackPolicy& p = c.policy;
  p.rating.window = absl::GetFlag(FLAGS_rating_window);
  p.rating.max_reopens = absl::GetFlag(FLAGS_max_reopens);
  p.rating.settle_retry = absl::GetFlag(FLAGS_settle_retry);
  p.rating.max_code_attempts = absl::GetFlag(FLAGS_max_code_attempts);
  auto sat = Numbers("satisfaction_weights", absl::GetFlag(FLAGS_satisfaction_weights), 3);
  if (!sat.ok()) return sat.status();
  p.satisfaction = {(*sat)[0], (*sat)[1], (*sat)[2]};
  auto score = Numbers("score_weights", absl::GetFlag(FLAGS_score_weights), 3);
  if (!score.ok()) return score.status();
  p.score = {(*score)[0], (*score)[1], (*score)[2]};
  auto points = Numbers("points", absl::GetFlag(FLAGS_points), 3);
  if (!points.ok()) return points.status();
  for (double d : *points) {
    if (d != static_cast<int>(d)) return absl::InvalidArgumentError("--points: must be whole numbers");
  }
  p.points = {static_cast<int>((*points)[0]), static_cast<int>((*points)[1]), static_cast<int>((*points)[2])};
  p.hot_spot.threshold = absl::GetFlag(FLAGS_hot_spot_threshold);
  p.hot_spot.window = absl::GetFlag(FLAGS_hot_spot_window);
  p.fallback.sign_off = absl::GetFlag(FLAGS_default_sign_off_window);
  p.fallback.completion = absl::GetFlag(FLAGS_default_completion_window);
  if (absl::Status s = ValidatePolicy(p); !s.ok()) return s;
  return c;
}

}  // namespace gridcase::feedback
