// submit, get, timeline, queue, act: a case's life through intake and dispatch.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "libs/events/proto_time.h"
#include "nlohmann/json.hpp"
#include "tools/gridctl/core/case_format.h"
#include "tools/gridctl/core/command_request.h"
#include "tools/gridctl/commands/stub.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

absl::StatusOr<v1::Channel> ParseChannel(const std::string& text) {
  if (text == "hotline" || text == "12345") return v1::CHANNEL_HOTLINE_12345;
  const auto* value = FindEnumValue(v1::Channel_descriptor(), text);
  if (value == nullptr || value->number() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--channel: '", text, "' is not a channel (hotline, app, grid_patrol, open311)"));
  }
  return static_cast<v1::Channel>(value->number());
}

int Submit(Invocation& in) {
  const Args& a = in.args();
  if (!a.positional().empty()) {
    return in.Usage("submit takes no positional arguments; the request's text goes in --text");
  }
  if (a.Get("text").empty()) return in.Usage("--text is required: what the resident reports");
  auto channel = ParseChannel(a.Get("channel", "hotline"));
  if (!channel.ok()) return in.Usage(std::string(channel.status().message()));
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(a.Get("idempotency_key", absl::StrCat("gridctl-", absl::ToUnixMicros(absl::Now()), "-",
                                                                    getpid())));
  request.set_channel(*channel);
  request.set_text(a.Get("text"));
  request.set_title(a.Get("title"));
  request.set_address(a.Get("address"));
  request.set_catalogue_item(a.Get("catalogue_item"));
  request.mutable_resident()->set_name(a.Get("name"));
  request.mutable_resident()->set_phone(a.Get("phone"));
  request.mutable_resident()->set_resident_id(a.Get("resident_id"));
  for (const std::string& url : a.All("media_url")) request.add_media_urls(url);
  auto lat = a.Double("lat");
  auto lng = a.Double("lng");
  if (!lat.ok()) return in.Usage(std::string(lat.status().message()));
  if (!lng.ok()) return in.Usage(std::string(lng.status().message()));
  if (lat->has_value() != lng->has_value()) return in.Usage("--lat and --lng go together");
  if (lat->has_value()) {
    request.mutable_point()->set_lat(**lat);
    request.mutable_point()->set_lng(**lng);
  }
  return WithStub<v1::IntakeService>(in, "intake", [&](Connection& c, v1::IntakeService::Stub& intake) {
    v1::SubmitCaseResponse response;
    auto context = c.Context();
    grpc::Status status = intake.SubmitCase(context.get(), request, &response);
    if (!status.ok()) return in.Fail(FromGrpc(status), "intake");
    if (in.json()) {
      in.out() << ToJson(response) << "\n";
    } else {
      in.out() << RenderFields(SubmitFields(response, in.zone()));
      in.err() << "idempotency key " << request.idempotency_key()
               << " (repeat with --idempotency_key to retry safely)\n";
    }
    return ToInt(ExitCode::kOk);
  });
}

absl::StatusOr<std::string> OneCaseId(Invocation& in) {
  if (in.args().positional().size() != 1) return absl::InvalidArgumentError("needs exactly one CASE_ID");
  return in.args().positional()[0];
}

int Get(Invocation& in) {
  auto id = OneCaseId(in);
  if (!id.ok()) return in.Usage(std::string(id.status().message()));
  return WithStub<v1::DispatchService>(in, "dispatch", [&](Connection& c, v1::DispatchService::Stub& dispatch) {
    v1::GetCaseRequest request;
    request.set_case_id(*id);
    v1::Case found;
    auto context = c.Context();
    grpc::Status status = dispatch.GetCase(context.get(), request, &found);
    if (!status.ok()) return in.Fail(FromGrpc(status), "dispatch");
    std::optional<v1::CaseClocks> clocks;
    if (in.args().Switch("clocks")) {
      auto channel = c.Channel("sla");
      if (!channel.ok()) return in.Usage(std::string(channel.status().message()));
      auto sla = v1::SlaService::NewStub(*channel);
      v1::GetCaseClocksRequest clocks_request;
      clocks_request.set_case_id(*id);
      clocks.emplace();
      auto clocks_context = c.Context();
      grpc::Status read = sla->GetCaseClocks(clocks_context.get(), clocks_request, &*clocks);
      if (!read.ok()) return in.Fail(FromGrpc(read), "sla");
    }
    if (in.json()) {
      if (clocks.has_value()) {
        in.out() << "{\"case\":" << ToJson(found) << ",\"clocks\":" << ToJson(*clocks) << "}\n";
      } else {
        in.out() << ToJson(found) << "\n";
      }
      return ToInt(ExitCode::kOk);
    }
    in.out() << RenderFields(CaseFields(found, absl::Now(), in.zone()));
    if (clocks.has_value()) {
      Table table{.headers = {"clock", "stage", "holder", "due", "remaining", "%", "state"}};
      for (const v1::CaseClock& clock : clocks->clocks()) {
        std::string state = clock.stopped()    ? "stopped"
                            : clock.breached() ? "BREACHED"
                            : clock.paused()   ? "paused"
                                               : "running";
        table.Add({clock.clock_id(), clock.stage(), clock.holder_unit(), FormatTimestamp(clock.due_at(), in.zone()),
                   FormatSpan(events::FromProtoDuration(clock.remaining())), absl::StrCat(clock.percent_elapsed()),
                   state});
      }
      in.out() << "\n" << table.Render();
    }
    return ToInt(ExitCode::kOk);
  });
}

int Timeline(Invocation& in) {
  auto id = OneCaseId(in);
  if (!id.ok()) return in.Usage(std::string(id.status().message()));
  return WithStub<v1::DispatchService>(in, "dispatch", [&](Connection& c, v1::DispatchService::Stub& dispatch) {
    std::vector<v1::CaseEvent> events;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(*id);
    request.set_page_size(1000);
    do {
      v1::CaseTimeline page;
      auto context = c.Context();
      grpc::Status status = dispatch.GetCaseTimeline(context.get(), request, &page);
      if (!status.ok()) return in.Fail(FromGrpc(status), "dispatch");
      events.insert(events.end(), page.events().begin(), page.events().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    if (in.json()) {
      v1::CaseTimeline all;
      all.set_case_id(*id);
      for (const v1::CaseEvent& e : events) *all.add_events() = e;
      in.out() << ToJson(all) << "\n";
    } else {
      in.out() << TimelineTable(events, in.zone()).Render(60);
    }
    return ToInt(ExitCode::kOk);
  });
}

int Queue(Invocation& in) {
  const Args& a = in.args();
  if (a.positional().size() != 1) {
    return in.Usage("needs exactly one UNIT code (grid, community, township or department)");
  }
  auto limit = a.Int("limit");
  if (!limit.ok()) return in.Usage(std::string(limit.status().message()));
  const int64_t max_cases = limit->value_or(500);
  if (max_cases <= 0) return in.Usage("--limit: must be positive");
  return WithStub<v1::DispatchService>(in, "dispatch", [&](Connection& c, v1::DispatchService::Stub& dispatch) {
    std::vector<v1::Case> cases;
    int64_t total = 0;
    v1::ListQueueRequest request;
    request.set_unit_code(a.positional()[0]);
    request.set_page_size(static_cast<int32_t>(std::min<int64_t>(max_cases, 500)));
    do {
      v1::ListQueueResponse page;
      auto context = c.Context();
      grpc::Status status = dispatch.ListQueue(context.get(), request, &page);
      if (!status.ok()) return in.Fail(FromGrpc(status), "dispatch");
      total = page.total();
      for (const v1::Case& one : page.cases()) {
        if (static_cast<int64_t>(cases.size()) < max_cases) cases.push_back(one);
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty() && static_cast<int64_t>(cases.size()) < max_cases);
    if (in.json()) {
      v1::ListQueueResponse all;
      all.set_total(total);
      for (const v1::Case& one : cases) *all.add_cases() = one;
      in.out() << ToJson(all) << "\n";
      return ToInt(ExitCode::kOk);
    }
    if (cases.empty()) {
      in.out() << "the queue of " << a.positional()[0] << " is empty\n";
    } else {
      in.out() << QueueTable(cases, absl::Now(), in.zone()).Render();
      in.out() << cases.size() << " of " << total << " cases\n";
    }
    return ToInt(ExitCode::kOk);
  });
}

std::string CommandsHelp() {
  return absl::StrCat("Commands: ", absl::StrJoin(CommandNames(), ", "),
                      "\n`gridctl act COMMAND --help` lists the command's fields.\n");
}

int Act(Invocation& in) {
  const Args& a = in.args();
  if (a.Switch("list") || a.positional().empty()) {
    if (in.json()) {
      in.out() << nlohmann::json{{"commands", CommandNames()}}.dump() << "\n";
    } else {
      in.out() << CommandsHelp();
    }
    return ToInt(a.positional().empty() && !a.Switch("list") ? ExitCode::kUsage : ExitCode::kOk);
  }
  if (a.positional().size() != 2) {
    return in.Usage("needs COMMAND and CASE_ID (gridctl act COMMAND CASE_ID --field value …)");
  }
  const std::string& command = a.positional()[0];
  const std::string& case_id = a.positional()[1];
  auto expected = a.Int("expected_version");
  if (!expected.ok()) return in.Usage(std::string(expected.status().message()));
  // Build once with a placeholder version to check the command and its fields before calling anything.
  auto checked = BuildCommandRequest(command, case_id, 0, a.unknown());
  if (!checked.ok()) return in.Usage(std::string(checked.status().message()));
  return WithStub<v1::DispatchService>(in, "dispatch", [&](Connection& c, v1::DispatchService::Stub& dispatch) {
    int64_t version = expected->value_or(0);
    if (!expected->has_value()) {
      // No version given: act on the version the case has now (the service still refuses a concurrent change).
      v1::GetCaseRequest get;
      get.set_case_id(case_id);
      v1::Case current;
      auto context = c.Context();
      grpc::Status status = dispatch.GetCase(context.get(), get, &current);
      if (!status.ok()) return in.Fail(FromGrpc(status), "dispatch");
      version = current.version();
    }
    v1::CaseCommandRequest request = *checked;
    request.set_expected_version(version);
    request.set_request_id(a.Get("request_id", absl::StrCat("gridctl-", absl::ToUnixMicros(absl::Now()))));
    v1::CaseCommandResponse response;
    auto context = c.Context();
    grpc::Status status = dispatch.ExecuteCommand(context.get(), request, &response);
    if (!status.ok()) return in.Fail(FromGrpc(status), "dispatch");
    if (in.json()) {
      in.out() << ToJson(response) << "\n";
    } else {
      in.out() << "case " << response.case_().id() << " v" << response.case_().version() << ": "
               << EventKind(response.event()) << "  " << EventDetail(response.event()) << "\n";
      in.out() << RenderFields(CaseFields(response.case_(), absl::Now(), in.zone()));
    }
    return ToInt(ExitCode::kOk);
  });
}

}  // namespace

void RegisterCaseSubcommands(std::vector<Subcommand>* table) {
  table->push_back({.name = "submit",
                    .summary = "submit a resident's request to intake (SubmitCase)",
                    .usage = "submit --text TEXT [--channel hotline] [--name N --phone P] [--lat L --lng L] …",
                    .description =
                        "Prints the new case id, where it landed and its deadline. A repeat with the same "
                        "--idempotency_key and channel returns the first case (marked as a duplicate submit).\n"
                        "Example: gridctl submit --text '幸福里小区3号楼东侧井盖丢失' --lat 30.2525 --lng 120.152",
                    .options = {{"text", "TEXT", "what the resident reports (required)"},
                                {"title", "TEXT", "short title"},
                                {"channel", "CHANNEL", "hotline (default), app, grid_patrol or open311"},
                                {"name", "NAME", "the resident's name"},
                                {"phone", "PHONE", "the resident's phone"},
                                {"resident_id", "ID", "the channel's id of the resident"},
                                {"lat", "DEG", "latitude (with --lng)"},
                                {"lng", "DEG", "longitude (with --lat)"},
                                {"address", "TEXT", "address"},
                                {"catalogue_item", "CODE", "dispatch catalogue item (intake suggests one)"},
                                {"media_url", "URL", "photo or video URL (repeatable)"},
                                {"idempotency_key", "KEY", "the request's key (default: a fresh one)"}},
                    .run = Submit});
  table->push_back({.name = "get",
                    .summary = "show a case as dispatch projects it (GetCase)",
                    .usage = "get CASE_ID [--clocks]",
                    .options = {{"clocks", "", "also show its SLA clocks (needs --sla_addr)"}},
                    .run = Get});
  table->push_back({.name = "timeline",
                    .summary = "show a case's events, oldest first (GetCaseTimeline)",
                    .usage = "timeline CASE_ID",
                    .run = Timeline});
  table->push_back({.name = "queue",
                    .summary = "show a unit's work queue, earliest deadline first (ListQueue)",
                    .usage = "queue UNIT [--limit N]",
                    .options = {{"limit", "N", "show at most N cases (default 500)"}},
                    .run = Queue});
  table->push_back(
      {.name = "act",
       .summary = "run a handler command on a case (ExecuteCommand)",
       .usage = "act COMMAND CASE_ID [--expected_version V] [--FIELD VALUE …] | act --list",
       .description =
           "COMMAND is one of dispatch's handler commands; its fields are options (nested ones by path: "
           "--resident.name). Enums take short names (--category general), durations 2h or 3d. Without "
           "--expected_version the case's current version is read first; a change in between is refused as "
           "stale (exit 1).\nExample: gridctl act township_dispatch GC-20261123-000001 --department_code 330199.zfj",
       .options = {{"expected_version", "V", "the version the command is meant for"},
                   {"request_id", "ID", "recorded as the event's correlation id"},
                   {"list", "", "list the commands"}},
       .collect_unknown = true,
       .run = Act,
       .extra_help = [](const Args& args) {
         if (!args.positional().empty()) {
           std::string fields = CommandFieldsHelp(args.positional()[0]);
           if (!fields.empty()) return absl::StrCat("Fields of ", args.positional()[0], ":\n", fields);
         }
         return CommandsHelp();
       }});
}

}  // namespace gridcase::gridctl
