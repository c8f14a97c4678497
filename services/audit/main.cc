// gridcase-audit: reads the whole log (every case topic and the SLA topic, with their dead-letter topics) and the
// live projections, and checks the invariants the system promises: one event per case version, no missing
// versions, one submission per case, projections equal to the fold of the log, every SLA alarm written once.
// Exit status: 0 when every invariant holds, 1 when one is broken, 2 on bad flags, 3 when the audit could not run.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/config/runtime_config.h"
#include "libs/log/log.h"
#include "services/audit/adapters/redis_parked_cases.h"
#include "services/audit/auditor.h"

ABSL_FLAG(absl::Duration, settle, absl::ZeroDuration(),
          "While the projections are behind the log (consumers still catching up), audit again until they agree or "
          "this much time has passed");
ABSL_FLAG(bool, json, false, "Print the summary as one line of JSON instead of text");
ABSL_FLAG(std::string, scratch_prefix, "",
          "Redis key prefix to rebuild the projections into for the comparison (default: a fresh "
          "<redis_prefix>audit.<pid>.<time>. prefix); deleted afterwards");
ABSL_FLAG(int, max_items, 20,
          "Findings listed per kind in the text summary; the JSON lists up to 100 or this many (the counts are "
          "always complete)");

int main(int argc, char** argv) {
  using namespace gridcase;
  config::ParseFlags(argc, argv, "gridcase-audit: check the log's and the projections' invariants");
  auto config = config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "gridcase-audit: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  absl::Duration settle = absl::GetFlag(FLAGS_settle);
  if (settle < absl::ZeroDuration()) {
    std::fprintf(stderr, "gridcase-audit: --settle: must be >= 0\n");
    return 2;
  }
  std::string scratch = absl::GetFlag(FLAGS_scratch_prefix);
  if (scratch.empty()) {
    scratch = absl::StrCat(config->redis_prefix, "audit.", getpid(), ".", absl::ToUnixMicros(absl::Now()), ".");
  }
  if (scratch == config->redis_prefix) {
    std::fprintf(stderr, "gridcase-audit: --scratch_prefix: must differ from --redis_prefix\n");
    return 2;
  }
  log::Init("gridcase-audit", config->log_level);
  auto redis = redis::RedisClient::Create(redis::ForConsumerLanes({.host = config->redis.host,
                                                                  .port = config->redis.port,
                                                                  .user = config->redis_user,
                                                                  .password = config->redis_password}));
  if (!redis.ok()) {
    std::fprintf(stderr, "gridcase-audit: %s\n", redis.status().ToString().c_str());
    return 3;
  }
  audit::RedisParkedCases parked(redis->get(), config->redis_prefix);
  auto report = audit::RunAudit({.brokers = kafka::Cluster(config->kafka_brokers, config->kafka_client_props),
                                 .topics = events::Topics(config->topic_prefix),
                                 .live = events::Keys(config->redis_prefix),
                                 .scratch_prefix = scratch,
                                 .settle = settle},
                                redis->get(), &parked);
  if (!report.ok()) {
    std::fprintf(stderr, "gridcase-audit: audit not completed: %s\n", report.status().ToString().c_str());
    return 3;
  }
  int max_items = std::max(0, absl::GetFlag(FLAGS_max_items));
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("%s\n", audit::SummaryJson(*report, std::max(max_items, 100)).c_str());
  } else {
    std::printf("%s", audit::SummaryText(*report, max_items).c_str());
  }
  return report->Violated() ? 1 : 0;
}
