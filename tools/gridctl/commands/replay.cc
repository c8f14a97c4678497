// replay: submits the requests of a 311 CSV export (NYC, Boston, or id/text columns) to intake, one SubmitCase per
// record, with a progress bar, rate and ETA.
#include <filesystem>
#include <memory>
#include <optional>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/service_code_map.h"
#include "nlohmann/json.hpp"
#include "tools/gridctl/commands/stub.h"
#include "tools/gridctl/core/command_request.h"
#include "tools/gridctl/core/csv_reader.h"
#include "tools/gridctl/core/progress.h"
#include "tools/gridctl/core/replay_mapping.h"
#include "tools/gridctl/core/table.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

struct ReplayCounts {
  int64_t records = 0;
  int64_t submitted = 0;        // New cases.
  int64_t duplicate_submits = 0;  // Keys submitted before (a replay run again).
  int64_t linked = 0;           // Linked to an open case as co-requesters.
  int64_t manual_grid = 0;      // Outside every grid: wait for a grid worker.
  int64_t skipped = 0;          // Records the mapping could not use ("unusable").
  int64_t refused = 0;          // Refused by intake.
  int64_t catalogued = 0;       // Sent with a catalogue item from --service_codes.
};

// What the replay's workers share: the reader and what they found, under `mu`.
struct ReplayState {
  absl::Mutex mu;
  CsvReader* reader ABSL_GUARDED_BY(mu);
  const int64_t total;
  int64_t taken ABSL_GUARDED_BY(mu) = 0;  // Records handed to a worker.
  ReplayCounts counts ABSL_GUARDED_BY(mu);
  std::vector<std::string> problems ABSL_GUARDED_BY(mu);  // The first ten.
  std::optional<absl::Status> stop ABSL_GUARDED_BY(mu);  // Intake unreachable or the token refused: no more records.
  int64_t stop_row ABSL_GUARDED_BY(mu) = 0;
  int64_t workers_done ABSL_GUARDED_BY(mu) = 0;
};

// Records in the file after the header (a pass over it; progress needs the total).
int64_t CountRecords(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  CsvReader reader(&file);
  int64_t records = -1;
  while (reader.Next().has_value()) ++records;
  return std::max<int64_t>(records, 0);
}

int Replay(Invocation& in) {
  const Args& a = in.args();
  if (a.positional().size() > 1) return in.Usage("takes one FILE (or --file)");
  const std::string path = a.positional().empty() ? a.Get("file") : a.positional()[0];
  if (path.empty()) return in.Usage("needs the CSV FILE to replay (e.g. ../shared/data/nyc311-2000.csv)");
  auto limit = a.Int("limit");
  auto rate = a.Double("rate");
  if (!limit.ok()) return in.Usage(std::string(limit.status().message()));
  if (!rate.ok()) return in.Usage(std::string(rate.status().message()));
  if (limit->value_or(1) <= 0) return in.Usage("--limit: must be positive");
  if (rate->value_or(1) <= 0) return in.Usage("--rate: must be positive");
  auto concurrency_option = a.Int("concurrency");
  if (!concurrency_option.ok()) return in.Usage(std::string(concurrency_option.status().message()));
  const int64_t concurrency = concurrency_option->value_or(1);
  if (concurrency < 1 || concurrency > 64) return in.Usage("--concurrency: must be within [1, 64]");
  v1::Channel channel = v1::CHANNEL_HOTLINE_12345;
  if (a.Has("channel")) {
    const auto* value = FindEnumValue(v1::Channel_descriptor(), a.Get("channel") == "hotline" ? "hotline_12345"
                                                                                             : a.Get("channel"));
    if (value == nullptr || value->number() == 0) {
      return in.Usage(absl::StrCat("--channel: '", a.Get("channel"), "' is not hotline, app, grid_patrol or open311"));
    }
    channel = static_cast<v1::Channel>(value->number());
  }
  if (!std::filesystem::exists(path)) {
    const std::string reason = absl::StrCat(path, " does not exist; nothing replayed (the 311 samples are "
                                            "../shared/data/nyc311-2000.csv and boston311-100.csv)");
    in.err() << "gridctl replay: skipped: " << reason << "\n";
    if (in.json()) in.out() << nlohmann::json{{"skipped", true}, {"reason", reason}}.dump() << "\n";
    return ToInt(ExitCode::kOk);
  }
  std::ifstream file(path, std::ios::binary);
  CsvReader reader(&file);
  auto header = reader.Next();
  if (!header.has_value()) return in.Usage(absl::StrCat(path, " is empty"));
  auto mapping = ReplayMapping::ForHeader(*header);
  if (!mapping.ok()) return in.Usage(absl::StrCat(path, ": ", mapping.status().message()));
  int64_t total = CountRecords(path);
  if (limit->has_value()) total = std::min(total, **limit);
  // With --service_codes, each request type (NYC "Complaint Type") names a catalogue item through its Open311
  // service code, as the Open311 gateway maps it.
  std::shared_ptr<const registry::OrgRegistry> org;
  std::optional<registry::ServiceCodeMap> service_codes;
  if (a.Has("service_codes")) {
    auto loaded = registry::LoadRegistry(a.Get("registry", "data/registry/sample-county.json"));
    if (!loaded.ok()) return in.Usage(absl::StrCat("--registry: ", loaded.status().message()));
    org = *std::move(loaded);
    auto map = registry::ServiceCodeMap::Load(a.Get("service_codes"), org.get());
    if (!map.ok()) return in.Usage(absl::StrCat("--service_codes: ", map.status().message()));
    service_codes = *std::move(map);
  }
  const std::string key_prefix = a.Get("key_prefix", "replay-");
  const bool dry_run = a.Switch("dry_run");
  auto run = [&](Connection* c, v1::IntakeService::Stub* intake) {
    ReplayState state{.reader = &reader, .total = total};
    ProgressBar bar(&in.err(), in.terminal(), absl::StrCat("replaying ", mapping->layout()), total,
                    absl::Milliseconds(in.terminal() ? 200 : 2000));
    const absl::Time started = absl::Now();
    auto worker = [&] {
      while (true) {
        std::vector<std::string> record;
        int64_t n = 0;
        {
          absl::MutexLock lock(&state.mu);
          if (state.stop.has_value() || state.taken >= state.total) break;
          auto next = state.reader->Next();
          if (!next.has_value()) break;
          record = *std::move(next);
          n = ++state.taken;
        }
        if (rate->has_value()) {
          // Paced: record n goes out no earlier than (n - 1) / rate after the start.
          absl::Time due = started + absl::Seconds(static_cast<double>(n - 1) / **rate);
          if (due > absl::Now()) absl::SleepFor(due - absl::Now());
        }
        const int64_t row = n + 1;  // The header is row 1.
        auto request = mapping->ToRequest(record, row, channel, key_prefix);
        const v1::CatalogueItem* item = nullptr;
        if (request.ok() && service_codes.has_value()) {
          item = org->FindByServiceCode(service_codes->ServiceCodeFor(request->title()));
          if (item != nullptr) request->set_catalogue_item(item->code());
        }
        v1::SubmitCaseResponse response;
        absl::Status submitted = absl::OkStatus();
        if (request.ok() && !dry_run) {
          auto context = c->Context();
          submitted = FromGrpc(intake->SubmitCase(context.get(), *request, &response));
        }
        absl::MutexLock lock(&state.mu);
        ReplayCounts& counts = state.counts;
        ++counts.records;
        if (item != nullptr) ++counts.catalogued;
        if (!request.ok()) {
          ++counts.skipped;
          if (state.problems.size() < 10) state.problems.push_back(std::string(request.status().message()));
        } else if (!submitted.ok()) {
          ExitCode code = ExitCodeFor(submitted.code());
          if (code == ExitCode::kUnavailable || code == ExitCode::kDenied) {
            // Every later record would fail the same way: stop the replay.
            if (!state.stop.has_value()) {
              state.stop = submitted;
              state.stop_row = row;
            }
            break;
          }
          ++counts.refused;
          if (state.problems.size() < 10) {
            state.problems.push_back(
                absl::StrCat("row ", row, " (", request->idempotency_key(), "): ", submitted.message()));
          }
        } else if (response.duplicate_submit()) {
          ++counts.duplicate_submits;
        } else {
          ++counts.submitted;
          if (!response.linked_to_case_id().empty()) ++counts.linked;
          if (response.needs_manual_grid()) ++counts.manual_grid;
        }
      }
      absl::MutexLock lock(&state.mu);
      ++state.workers_done;
    };
    std::vector<std::thread> workers;
    for (int64_t i = 0; i < concurrency; ++i) workers.emplace_back(worker);
    {
      absl::MutexLock lock(&state.mu);
      auto all_done = [&]() ABSL_SHARED_LOCKS_REQUIRED(state.mu) { return state.workers_done == concurrency; };
      while (!state.mu.AwaitWithTimeout(absl::Condition(&all_done), absl::Milliseconds(100))) {
        bar.Update(state.counts.records, state.counts.skipped + state.counts.refused);
      }
      bar.Update(state.counts.records, state.counts.skipped + state.counts.refused);
    }
    for (std::thread& t : workers) t.join();
    bar.Finish();
    const ReplayCounts& counts = state.counts;
    const std::vector<std::string>& problems = state.problems;
    if (state.stop.has_value()) {
      in.err() << "gridctl replay: stopped at row " << state.stop_row << " after " << counts.submitted
               << " new cases\n";
      return in.Fail(*state.stop, "intake");
    }
    const absl::Duration took = absl::Now() - started;
    const double per_second = absl::ToDoubleSeconds(took) > 0 ? counts.records / absl::ToDoubleSeconds(took) : 0;
    if (in.json()) {
      in.out() << nlohmann::json{{"file", path},
                                 {"layout", mapping->layout()},
                                 {"dry_run", dry_run},
                                 {"records", counts.records},
                                 {"submitted", counts.submitted},
                                 {"duplicate_submits", counts.duplicate_submits},
                                 {"linked", counts.linked},
                                 {"needs_manual_grid", counts.manual_grid},
                                 {"unusable", counts.skipped},
                                 {"refused", counts.refused},
                                 {"catalogued", counts.catalogued},
                                 {"seconds", absl::ToDoubleSeconds(took)},
                                 {"per_second", per_second},
                                 {"problems", problems}}
                      .dump()
               << "\n";
    } else {
      in.out() << RenderFields({{"file", absl::StrCat(path, " (", mapping->layout(), ")")},
                                {"records", absl::StrCat(counts.records)},
                                {dry_run ? "mapped" : "new cases", absl::StrCat(counts.submitted)},
                                {"already submitted", absl::StrCat(counts.duplicate_submits)},
                                {"linked to open cases", absl::StrCat(counts.linked)},
                                {"need a manual grid", absl::StrCat(counts.manual_grid)},
                                {"skipped (unusable)", absl::StrCat(counts.skipped)},
                                {"refused by intake", absl::StrCat(counts.refused)},
                                {"with a catalogue item", absl::StrCat(counts.catalogued)},
                                {"took", absl::StrCat(FormatClock(took), absl::StrFormat(" (%.1f/s)", per_second))}});
      for (const std::string& problem : problems) in.out() << "  " << problem << "\n";
    }
    return ToInt(counts.refused > 0 ? ExitCode::kRefused : ExitCode::kOk);
  };
  if (dry_run) return run(nullptr, nullptr);
  return WithStub<v1::IntakeService>(
      in, "intake", [&](Connection& c, v1::IntakeService::Stub& intake) { return run(&c, &intake); });
}

}  // namespace

void RegisterReplaySubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "replay",
       .summary = "submit the requests of a 311 CSV export to intake, with progress, rate and ETA",
       .usage = "replay FILE [--limit N] [--rate PER_SECOND] [--concurrency N] [--channel hotline] [--key_prefix P] "
                "[--service_codes FILE] [--dry_run]",
       .description =
           "Layouts: NYC 311 (Unique Key, Complaint Type, Descriptor, Incident Address, City, Latitude, Longitude), "
           "Boston 311 (case_enquiry_id, case_title, type, location, latitude, longitude), or columns id, text "
           "[, title, address, lat, lng]. With --service_codes the request type (the title) is mapped to an Open311 "
           "service code and its catalogue item, as the Open311 gateway does. Each record becomes one SubmitCase with "
           "idempotency key "
           "PREFIX<layout>-<id>, so a replay run again creates nothing new. A missing FILE is skipped with a message "
           "(exit 0). Exit 1 when intake refused some records (the first ten are listed); a replay stops at once when "
           "intake is unreachable (3) or refuses the token (4).\n"
           "Example: GRIDCASE_TOKEN=$(gridctl token hotline_operator 330199.12345) gridctl replay "
           "../shared/data/nyc311-2000.csv --rate 50",
       .options = {{"file", "FILE", "the CSV file (or as the positional argument)"},
                   {"limit", "N", "replay at most N records"},
                   {"rate", "PER_SECOND", "submit at most this many a second (default: as fast as intake answers)"},
                   {"concurrency", "N", "calls in flight at once (default 1: in file order), at most 64"},
                   {"channel", "CHANNEL", "hotline (default), app, grid_patrol or open311; the token must fit it"},
                   {"key_prefix", "PREFIX", "idempotency key prefix (default replay-)"},
                   {"dry_run", "", "map the records and count them without submitting"},
                   {"service_codes", "FILE",
                    "map request types to catalogue items (e.g. data/registry/nyc311-service-codes.json)"},
                   {"registry", "FILE", "with --service_codes: the registry (default data/registry/sample-county.json)",
                    "GRIDCASE_REGISTRY"}},
       .run = Replay});
}

}  // namespace gridcase::gridctl
