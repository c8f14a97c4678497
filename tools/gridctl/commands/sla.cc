// overdue: the SLA service's overdue clocks (ListOverdue) and live warnings and breaches (WatchOverdue).
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "libs/events/proto_time.h"
#include "tools/gridctl/commands/stub.h"
#include "tools/gridctl/core/case_format.h"
#include "tools/gridctl/core/command_request.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

// The area filter from --area (code prefix) and --unit (repeatable).
v1::AreaFilter Area(const Args& a) {
  v1::AreaFilter area;
  area.set_code_prefix(a.Get("area"));
  for (const std::string& unit : a.All("unit")) area.add_unit_codes(unit);
  return area;
}

template <typename Enum>
absl::Status SetEnum(const Args& a, const std::string& option, const google::protobuf::EnumDescriptor* type,
                     Enum* out) {
  if (!a.Has(option)) return absl::OkStatus();
  const auto* value = FindEnumValue(type, a.Get(option));
  if (value == nullptr || value->number() == 0) {
    std::string names;
    for (int i = 1; i < type->value_count(); ++i) {
      absl::StrAppend(&names, i > 1 ? ", " : "", ShortEnumName(type->value(i)));
    }
    return absl::InvalidArgumentError(absl::StrCat("--", option, ": '", a.Get(option), "' is not one of ", names));
  }
  *out = static_cast<Enum>(value->number());
  return absl::OkStatus();
}

int Watch(Invocation& in, Connection& c, v1::SlaService::Stub& sla) {
  const Args& a = in.args();
  auto count = a.Int("count");
  auto for_duration = a.Duration("for");
  if (!count.ok()) return in.Usage(std::string(count.status().message()));
  if (!for_duration.ok()) return in.Usage(std::string(for_duration.status().message()));
  if (count->value_or(1) <= 0) return in.Usage("--count: must be positive");
  if (for_duration->value_or(absl::Seconds(1)) <= absl::ZeroDuration()) return in.Usage("--for: must be positive");
  v1::WatchOverdueRequest request;
  *request.mutable_area() = Area(a);
  request.set_breaches_only(a.Switch("breaches_only"));
  // The stream lasts until --for runs out, --count alerts arrived, or the user stops it.
  auto context = c.Context(for_duration->value_or(absl::InfiniteDuration()));
  auto reader = sla.WatchOverdue(context.get(), request);
  // Initial metadata arrives once the watch is registered; when the call failed instead, Read ends at once.
  reader->WaitForInitialMetadata();
  auto channel = c.Channel("sla");
  if (channel.ok() && (*channel)->GetState(false) == GRPC_CHANNEL_READY) {
    in.err() << "watching " << (request.breaches_only() ? "breaches" : "warnings and breaches")
             << (a.Has("area") ? absl::StrCat(" in ", a.Get("area")) : "") << " (Ctrl-C to stop)\n";
    in.err().flush();
  }
  int64_t seen = 0;
  v1::SlaAlert alert;
  while (reader->Read(&alert)) {
    if (in.json()) {
      in.out() << ToJson(alert) << "\n";
    } else {
      in.out() << AlertLine(alert, in.zone()) << "\n";
    }
    in.out().flush();
    if (count->has_value() && ++seen >= **count) {
      context->TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  // The end the user asked for (--count, --for) is success.
  if (status.ok() || (count->has_value() && seen >= **count) ||
      (for_duration->has_value() && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    return ToInt(ExitCode::kOk);
  }
  return in.Fail(FromGrpc(status), "sla");
}

int Overdue(Invocation& in) {
  const Args& a = in.args();
  if (!a.positional().empty()) return in.Usage("takes no positional arguments (the area goes in --area or --unit)");
  if (a.Switch("watch")) {
    return WithStub<v1::SlaService>(in, "sla",
                                    [&](Connection& c, v1::SlaService::Stub& sla) { return Watch(in, c, sla); });
  }
  v1::ListOverdueRequest request;
  *request.mutable_area() = Area(a);
  v1::Level level = v1::LEVEL_UNSPECIFIED;
  v1::Category category = v1::CATEGORY_UNSPECIFIED;
  v1::ClockKind clock = v1::CLOCK_KIND_UNSPECIFIED;
  for (absl::Status s : {SetEnum(a, "level", v1::Level_descriptor(), &level),
                         SetEnum(a, "category", v1::Category_descriptor(), &category),
                         SetEnum(a, "clock", v1::ClockKind_descriptor(), &clock)}) {
    if (!s.ok()) return in.Usage(std::string(s.message()));
  }
  request.set_level(level);
  request.set_category(category);
  request.set_clock(clock);
  auto lateness = a.Duration("min_lateness");
  if (!lateness.ok()) return in.Usage(std::string(lateness.status().message()));
  if (lateness->has_value()) *request.mutable_min_lateness() = events::ToProtoDuration(**lateness);
  auto limit = a.Int("limit");
  if (!limit.ok()) return in.Usage(std::string(limit.status().message()));
  const int64_t max_clocks = limit->value_or(500);
  if (max_clocks <= 0) return in.Usage("--limit: must be positive");
  request.set_page_size(static_cast<int32_t>(std::min<int64_t>(max_clocks, 500)));
  return WithStub<v1::SlaService>(in, "sla", [&](Connection& c, v1::SlaService::Stub& sla) {
    std::vector<v1::OverdueClock> clocks;
    do {
      v1::ListOverdueResponse page;
      auto context = c.Context();
      grpc::Status status = sla.ListOverdue(context.get(), request, &page);
      if (!status.ok()) return in.Fail(FromGrpc(status), "sla");
      for (const v1::OverdueClock& one : page.clocks()) {
        if (static_cast<int64_t>(clocks.size()) < max_clocks) clocks.push_back(one);
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty() && static_cast<int64_t>(clocks.size()) < max_clocks);
    if (in.json()) {
      v1::ListOverdueResponse all;
      for (const v1::OverdueClock& one : clocks) *all.add_clocks() = one;
      in.out() << ToJson(all) << "\n";
    } else if (clocks.empty()) {
      in.out() << "nothing overdue\n";
    } else {
      in.out() << OverdueTable(clocks, in.zone()).Render() << clocks.size() << " overdue clocks\n";
    }
    return ToInt(ExitCode::kOk);
  });
}

}  // namespace

void RegisterSlaSubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "overdue",
       .summary = "list overdue clocks (ListOverdue), or watch warnings and breaches live (--watch)",
       .usage = "overdue [--area PREFIX] [--unit UNIT …] [--level L] [--category C] [--clock K] [--min_lateness D] | "
                "overdue --watch [--breaches_only] [--count N] [--for D]",
       .description =
           "Lists running clocks past their due time, most overdue first. With --watch, prints each warning and "
           "breach as it fires (one JSON object per line with --json) until --count alerts arrived, --for ran out "
           "(exit 0) or Ctrl-C.\nExample: gridctl overdue --area 330199001 --min_lateness 1h",
       .options = {{"area", "PREFIX", "cases whose grid, community, township, county or holder starts with PREFIX"},
                   {"unit", "UNIT", "cases held by or located in UNIT (repeatable; OR with --area)"},
                   {"level", "LEVEL", "the case's escalation level: grid, community, township, county, department"},
                   {"category", "CATEGORY", "simple, general, major, difficult, cross_county"},
                   {"clock", "KIND", "sign_off or completion"},
                   {"min_lateness", "DURATION", "only clocks due at least this long ago"},
                   {"limit", "N", "list at most N clocks (default 500)"},
                   {"watch", "", "watch live instead of listing"},
                   {"breaches_only", "", "--watch: leave out warnings"},
                   {"count", "N", "--watch: stop after N alerts"},
                   {"for", "DURATION", "--watch: stop after this long"}},
       .run = Overdue});
}

}  // namespace gridcase::gridctl
