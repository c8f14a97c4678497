// rebuild, audit, parked: operations on the log and the projections, straight on Kafka and Redis (no service).
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/config/config.h"
#include "libs/config/runtime_config.h"
#include "libs/kafka/cluster.h"
#include "libs/parking/parked_cli.h"
#include "libs/parking/redis_parking_store.h"
#include "libs/redis/redis_client.h"
#include "nlohmann/json.hpp"
#include "services/audit/adapters/redis_parked_cases.h"
#include "services/audit/auditor.h"
#include "services/dispatch/rebuild.h"
#include "tools/gridctl/core/progress.h"
#include "tools/gridctl/core/table.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

constexpr char kInfraHelp[] =
    "Kafka and Redis are found as the services find them: --kafka_brokers, --redis_addr, --topic_prefix, "
    "--redis_prefix (or GRIDCASE_KAFKA_BROKERS, GRIDCASE_REDIS_ADDR, GRIDCASE_TOPIC_PREFIX, GRIDCASE_REDIS_PREFIX) "
    "and the services' Kafka and Redis security options (--kafka_security_protocol, --kafka_ca, --kafka_sasl_*, "
    "--redis_user, --redis_password_file …).";

// The runtime configuration (Kafka, Redis, prefixes) from the options no spec named and the GRIDCASE_* variables,
// read as the services read theirs. A malformed one ends the process with exit code 2 (config::ParseFlags).
absl::StatusOr<config::RuntimeConfig> InfraConfig(const Args& args) {
  std::vector<std::string> words = {"gridctl"};
  for (const auto& [name, value] : args.unknown()) words.push_back(absl::StrCat("--", name, "=", value));
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  config::ParseFlags(static_cast<int>(words.size()), argv.data(), "gridctl: Kafka and Redis options");
  return config::LoadRuntimeConfig();
}

absl::StatusOr<std::unique_ptr<redis::RedisClient>> ConnectRedis(const config::RuntimeConfig& config) {
  return redis::RedisClient::Create(redis::ForConsumerLanes({.host = config.redis.host,
                                                             .port = config.redis.port,
                                                             .user = config.redis_user,
                                                             .password = config.redis_password}));
}

int Rebuild(Invocation& in) {
  const Args& a = in.args();
  if (!a.positional().empty()) return in.Usage("takes no positional arguments");
  auto config = InfraConfig(a);
  if (!config.ok()) return in.Usage(std::string(config.status().message()));
  const std::string target = a.Get("target_prefix");
  if (target.empty() || target == config->redis_prefix) {
    return in.Usage(absl::StrCat("--target_prefix must be set to a fresh Redis key prefix, other than the live one ('",
                                 config->redis_prefix, "'), e.g. --target_prefix=", config->redis_prefix, "rebuilt."));
  }
  auto redis = ConnectRedis(*config);
  if (!redis.ok()) return in.Fail(redis.status(), "redis");
  const absl::Duration every = in.terminal() ? absl::Milliseconds(200) : absl::Seconds(2);
  ProgressBar bar(&in.err(), in.terminal(), "reading the log", 0, every);
  dispatch::RebuildProgress::Phase phase = dispatch::RebuildProgress::Phase::kReading;
  bool started = false;
  auto report = dispatch::RebuildProjections(
      kafka::Cluster(config->kafka_brokers, config->kafka_client_props), events::Topics(config->topic_prefix),
      redis->get(), events::Keys(target), [&](const dispatch::RebuildProgress& p) {
        started = true;
        if (p.phase != phase) {
          bar.Finish();
          phase = p.phase;
          bar = ProgressBar(&in.err(), in.terminal(), "projecting cases", p.total, every);
        }
        bar.Update(p.done);
      });
  if (started) bar.Finish();
  if (!report.ok()) return in.Fail(report.status(), "kafka/redis");
  nlohmann::json summary = {{"target_prefix", target},
                            {"cases", report->cases},
                            {"versioned_events", report->versioned_events},
                            {"applied", report->applied},
                            {"advisory_events", report->advisory_events}};
  if (!in.json()) {
    in.out() << "rebuilt " << report->cases << " cases from " << report->versioned_events << " versioned events ("
             << report->applied << " applied) and " << report->advisory_events << " advisory events into prefix "
             << target << "\n";
  }
  int exit = ToInt(ExitCode::kOk);
  if (!a.Has("compare") || a.Switch("compare")) {
    auto comparison =
        dispatch::CompareProjections(redis->get(), events::Keys(config->redis_prefix), events::Keys(target));
    if (!comparison.ok()) return in.Fail(comparison.status(), "redis");
    summary["compared_cases"] = comparison->cases;
    summary["compared_queues"] = comparison->queues;
    summary["identical"] = comparison->differences.empty();
    summary["differences"] = comparison->differences;
    if (!in.json()) {
      in.out() << "compared " << comparison->cases << " cases and " << comparison->queues << " work queues with the "
               << "live projections: " << (comparison->differences.empty() ? "identical" : "DIFFERENT") << "\n";
      for (const std::string& d : comparison->differences) in.out() << "  differs: " << d << "\n";
    }
    if (!comparison->differences.empty()) exit = ToInt(ExitCode::kCheckFailed);
  }
  if (in.json()) in.out() << summary.dump() << "\n";
  return exit;
}

int Audit(Invocation& in) {
  const Args& a = in.args();
  if (!a.positional().empty()) return in.Usage("takes no positional arguments");
  auto settle = a.Duration("settle");
  if (!settle.ok()) return in.Usage(std::string(settle.status().message()));
  if (settle->value_or(absl::ZeroDuration()) < absl::ZeroDuration()) return in.Usage("--settle: must be >= 0");
  auto max_items = a.Int("max_items");
  if (!max_items.ok()) return in.Usage(std::string(max_items.status().message()));
  auto config = InfraConfig(a);
  if (!config.ok()) return in.Usage(std::string(config.status().message()));
  std::string scratch = a.Get("scratch_prefix", absl::StrCat(config->redis_prefix, "audit.", getpid(), ".",
                                                              absl::ToUnixMicros(absl::Now()), "."));
  if (scratch == config->redis_prefix) return in.Usage("--scratch_prefix: must differ from the live prefix");
  auto redis = ConnectRedis(*config);
  if (!redis.ok()) return in.Fail(redis.status(), "redis");
  audit::RedisParkedCases parked(redis->get(), config->redis_prefix);
  in.err() << "auditing the log and the projections…\n";
  auto report = audit::RunAudit({.brokers = kafka::Cluster(config->kafka_brokers, config->kafka_client_props),
                                 .topics = events::Topics(config->topic_prefix),
                                 .live = events::Keys(config->redis_prefix),
                                 .scratch_prefix = scratch,
                                 .settle = settle->value_or(absl::ZeroDuration())},
                                redis->get(), &parked);
  if (!report.ok()) return in.Fail(report.status(), "kafka/redis");
  const int items = static_cast<int>(std::max<int64_t>(0, max_items->value_or(20)));
  if (in.json()) {
    in.out() << audit::SummaryJson(*report, std::max(items, 100)) << "\n";
  } else {
    in.out() << audit::SummaryText(*report, items);
  }
  return ToInt(report->Violated() ? ExitCode::kCheckFailed : ExitCode::kOk);
}

nlohmann::json ParkedJson(const kafka::ParkedCase& c) {
  return {{"group", c.group},
          {"case_id", c.case_id},
          {"state", kafka::ParkedStateName(c.state)},
          {"records", c.records},
          {"parked_at", absl::FormatTime(absl::RFC3339_sec, c.parked_at, absl::UTCTimeZone())},
          {"first_record", c.head.has_value() ? kafka::RecordId(*c.head) : ""},
          {"dead_lettered", c.head_dead_lettered},
          {"reason", c.reason}};
}

int Parked(Invocation& in) {
  const Args& a = in.args();
  if (a.positional().size() != 1) return in.Usage("needs one verb: list, release (or replay), skip");
  std::string verb = a.positional()[0];
  if (verb == "replay") verb = "release";
  if (verb != "list" && verb != "release" && verb != "skip") {
    return in.Usage(absl::StrCat("unknown verb '", verb, "' (list, release, replay, skip)"));
  }
  auto wait = a.Duration("wait");
  if (!wait.ok()) return in.Usage(std::string(wait.status().message()));
  if (verb != "list" && (a.Get("group").empty() || a.Get("case").empty())) {
    return in.Usage(absl::StrCat(verb, " needs --group and --case (gridctl parked list shows them)"));
  }
  auto config = InfraConfig(a);
  if (!config.ok()) return in.Usage(std::string(config.status().message()));
  auto redis = ConnectRedis(*config);
  if (!redis.ok()) return in.Fail(redis.status(), "redis");
  parking::RedisParkingStore store(redis->get(), config->redis_prefix);
  if (verb == "list") {
    std::vector<std::string> groups = {a.Get("group")};
    if (groups[0].empty()) {
      auto all = store.Groups();
      if (!all.ok()) return in.Fail(all.status(), "redis");
      groups = *std::move(all);
    }
    std::vector<kafka::ParkedCase> cases;
    for (const std::string& group : groups) {
      auto listed = store.List(group);
      if (!listed.ok()) return in.Fail(listed.status(), "redis");
      cases.insert(cases.end(), listed->begin(), listed->end());
    }
    if (in.json()) {
      nlohmann::json list = nlohmann::json::array();
      for (const kafka::ParkedCase& c : cases) list.push_back(ParkedJson(c));
      in.out() << nlohmann::json{{"parked", list}}.dump() << "\n";
    } else if (cases.empty()) {
      in.out() << "no parked cases\n";
    } else {
      Table table{.headers = {"group", "case", "state", "records", "parked at", "first record", "dead-lettered",
                              "reason"}};
      for (const kafka::ParkedCase& c : cases) {
        table.Add({c.group, c.case_id, kafka::ParkedStateName(c.state), absl::StrCat(c.records),
                   absl::FormatTime("%Y-%m-%d %H:%M:%S", c.parked_at, in.zone()),
                   c.head.has_value() ? kafka::RecordId(*c.head) : "-", c.head_dead_lettered ? "yes" : "no",
                   c.reason});
      }
      in.out() << table.Render(60);
    }
    return ToInt(ExitCode::kOk);
  }
  std::ostringstream out, err;
  const int status = parking::RunParkedCommand({.verb = verb,
                                                .group = a.Get("group"),
                                                .case_id = a.Get("case"),
                                                .wait = wait->value_or(absl::ZeroDuration())},
                                               store, out, err);
  // RunParkedCommand: 0 done, 1 failure (not parked, a request pending, Redis, no consumer replayed in time),
  // 2 usage, 3 replayed and still parked.
  std::string message(absl::StripAsciiWhitespace(out.str() + err.str()));
  std::string outcome = status == 0 ? (wait->has_value() ? "applied" : "requested")
                        : status == 3 ? "still_parked"
                                      : "failed";
  if (in.json()) {
    in.out() << nlohmann::json{{"verb", verb}, {"group", a.Get("group")}, {"case_id", a.Get("case")},
                               {"outcome", outcome}, {"message", message}}
                    .dump()
             << "\n";
  } else {
    (status == 0 || status == 3 ? in.out() : in.err()) << message << "\n";
  }
  switch (status) {
    case 0:
      return ToInt(ExitCode::kOk);
    case 2:
      return ToInt(ExitCode::kUsage);
    case 3:
      return ToInt(ExitCode::kCheckFailed);
    default:
      if (!in.json()) in.err() << "  is the case parked in that group? see gridctl parked list\n";
      return ToInt(ExitCode::kRefused);
  }
}

}  // namespace

void RegisterLogSubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "rebuild",
       .summary = "rebuild dispatch's projections from Kafka into a fresh prefix and compare them with the live ones",
       .usage = "rebuild --target_prefix PREFIX [--compare=false] [Kafka/Redis options]",
       .description = absl::StrCat(
           "Reads every case topic, folds each case's events in version order into PREFIX (which must hold no "
           "projections) as dispatch-rebuild does, with a progress bar on stderr, then compares case views, "
           "timelines and work queues key by key with the live projections (--redis_prefix): exit 5 when they "
           "differ.\n",
           kInfraHelp, "\nExample: gridctl rebuild --redis_prefix= --target_prefix=rebuilt."),
       .options = {{"target_prefix", "PREFIX", "Redis key prefix to rebuild into (required; must hold nothing)"},
                   {"compare", "", "compare with the live projections (default true; --compare=false to skip)"}},
       .uses_services = false,
       .collect_unknown = true,
       .run = Rebuild});
  table->push_back(
      {.name = "audit",
       .summary = "check the log's and the projections' invariants (gridcase-audit)",
       .usage = "audit [--settle D] [--max_items N] [--scratch_prefix P] [Kafka/Redis options]",
       .description = absl::StrCat(
           "One event per case version, no gaps, one submission per case, projections equal to the log's rebuild, "
           "every SLA alarm written once. Exit 0 when every invariant holds, 5 when one is broken, 3 when the audit "
           "could not run.\n",
           kInfraHelp),
       .options = {{"settle", "DURATION", "while the projections lag the log, audit again up to this long"},
                   {"max_items", "N", "findings listed per kind (default 20)"},
                   {"scratch_prefix", "PREFIX", "where the log is rebuilt for the comparison (deleted afterwards)"}},
       .uses_services = false,
       .collect_unknown = true,
       .run = Audit});
  table->push_back(
      {.name = "parked",
       .summary = "list the cases consumer groups parked, and release (replay) or skip one",
       .usage = "parked list [--group G] | parked release|replay|skip --group G --case ID [--wait 30s]",
       .description = absl::StrCat(
           "A record of a case that cannot apply parks that case in its consumer group (docs/ARCHITECTURE.md, "
           "\"Poison records and parked cases\"). release replays the parked records, the first one included (after "
           "a fix); skip drops the first (it stays on the dead-letter topic) and applies the rest. With --wait the "
           "outcome is awaited: exit 0 when applied, 5 when the case is still parked, 1 when no consumer replayed it "
           "in time or it was not parked.\n",
           kInfraHelp),
       .options = {{"group", "GROUP", "the consumer group (with the topic prefix), e.g. gridcase-dispatch-intake"},
                   {"case", "ID", "the parked case (release, skip)"},
                   {"wait", "DURATION", "release, skip: wait this long for the replay's outcome"}},
       .uses_services = false,
       .collect_unknown = true,
       .run = Parked});
}

}  // namespace gridcase::gridctl
