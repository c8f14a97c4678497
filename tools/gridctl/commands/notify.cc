// notify: notify's integrations and parked deliveries over NotificationService (docs/NOTIFY.md).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "libs/events/proto_time.h"
#include "nlohmann/json.hpp"
#include "tools/gridctl/commands/stub.h"
#include "tools/gridctl/core/case_format.h"
#include "tools/gridctl/core/notify_format.h"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

using Stub = v1::NotificationService::Stub;

constexpr char kVerbs[] = "integrations, register, unregister, parked, replay";

// Every integration's name and the resident targets: what `parked` and `replay` cover without --integration.
absl::StatusOr<std::vector<std::string>> AllTargets(Connection& c, Stub& notify) {
  v1::ListIntegrationsResponse listed;
  auto context = c.Context();
  grpc::Status status = notify.ListIntegrations(context.get(), v1::ListIntegrationsRequest(), &listed);
  if (!status.ok()) return FromGrpc(status);
  std::vector<std::string> targets;
  for (const v1::Integration& i : listed.integrations()) targets.push_back(i.name());
  targets.insert(targets.end(), ResidentTargets().begin(), ResidentTargets().end());
  return targets;
}

std::vector<std::string> ChosenTargets(const Args& a, Connection& c, Stub& notify, absl::Status* status) {
  if (a.Has("integration")) return {a.Get("integration")};
  auto all = AllTargets(c, notify);
  if (!all.ok()) {
    *status = all.status();
    return {};
  }
  return *std::move(all);
}

// Without --integration, a caller that may not see residents' notices (an integration's own service identity) gets
// its integrations' deliveries and a note instead of a refusal.
bool SkipDeniedResidentTarget(Invocation& in, const std::string& target, const grpc::Status& status) {
  if (in.args().Has("integration") || status.error_code() != grpc::StatusCode::PERMISSION_DENIED ||
      std::find(ResidentTargets().begin(), ResidentTargets().end(), target) == ResidentTargets().end()) {
    return false;
  }
  in.err() << "gridctl notify: " << target << " left out: " << status.error_message() << "\n";
  return true;
}

int Integrations(Invocation& in, Connection& c, Stub& notify) {
  v1::ListIntegrationsResponse listed;
  auto context = c.Context();
  grpc::Status status = notify.ListIntegrations(context.get(), v1::ListIntegrationsRequest(), &listed);
  if (!status.ok()) return in.Fail(FromGrpc(status), "notify");
  if (in.json()) {
    in.out() << ToJson(listed) << "\n";
  } else if (listed.integrations().empty()) {
    in.out() << "no integrations registered\n";
  } else {
    std::vector<v1::Integration> all(listed.integrations().begin(), listed.integrations().end());
    in.out() << IntegrationsTable(all, in.zone()).Render(60);
  }
  return ToInt(ExitCode::kOk);
}

int Register(Invocation& in, const v1::Integration& integration, Connection& c, Stub& notify) {
  v1::RegisterIntegrationRequest request;
  *request.mutable_integration() = integration;
  v1::RegisterIntegrationResponse registered;
  auto context = c.Context();
  grpc::Status status = notify.RegisterIntegration(context.get(), request, &registered);
  if (!status.ok()) return in.Fail(FromGrpc(status), "notify");
  if (in.json()) {
    in.out() << ToJson(registered) << "\n";
  } else {
    in.out() << (registered.replaced() ? "replaced" : "registered") << " integration "
             << registered.integration().name() << "\n"
             << IntegrationFields(registered.integration(), in.zone());
  }
  return ToInt(ExitCode::kOk);
}

int Unregister(Invocation& in, const std::string& name, Connection& c, Stub& notify) {
  v1::UnregisterIntegrationRequest request;
  request.set_name(name);
  v1::UnregisterIntegrationResponse removed;
  auto context = c.Context();
  grpc::Status status = notify.UnregisterIntegration(context.get(), request, &removed);
  if (!status.ok()) return in.Fail(FromGrpc(status), "notify");
  if (in.json()) {
    in.out() << nlohmann::json{{"unregistered", name}}.dump() << "\n";
  } else {
    in.out() << "unregistered integration " << name << "\n";
  }
  return ToInt(ExitCode::kOk);
}

int Parked(Invocation& in, Connection& c, Stub& notify) {
  absl::Status listed = absl::OkStatus();
  const std::vector<std::string> targets = ChosenTargets(in.args(), c, notify, &listed);
  if (!listed.ok()) return in.Fail(listed, "notify");
  v1::ListParkedResponse all;
  for (const std::string& target : targets) {
    v1::ListParkedRequest request;
    request.set_target(target);
    request.set_page_size(1000);
    do {
      v1::ListParkedResponse page;
      auto context = c.Context();
      grpc::Status status = notify.ListParked(context.get(), request, &page);
      if (SkipDeniedResidentTarget(in, target, status)) break;
      if (!status.ok()) return in.Fail(FromGrpc(status), "notify");
      for (v1::Delivery& d : *page.mutable_deliveries()) *all.add_deliveries() = std::move(d);
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
  }
  if (in.json()) {
    in.out() << ToJson(all) << "\n";
  } else if (all.deliveries().empty()) {
    in.out() << "no parked deliveries"
             << (in.args().Has("integration") ? absl::StrCat(" of ", in.args().Get("integration")) : "") << "\n";
  } else {
    std::vector<v1::Delivery> deliveries(all.deliveries().begin(), all.deliveries().end());
    in.out() << ParkedTable(deliveries, in.zone()).Render(60) << deliveries.size() << " parked deliveries\n";
  }
  return ToInt(ExitCode::kOk);
}

int Replay(Invocation& in, absl::Time from, Connection& c, Stub& notify) {
  absl::Status listed = absl::OkStatus();
  const std::vector<std::string> targets = ChosenTargets(in.args(), c, notify, &listed);
  if (!listed.ok()) return in.Fail(listed, "notify");
  const bool include_delivered = in.args().Switch("include_delivered");
  nlohmann::json replayed = nlohmann::json::array();
  int64_t total = 0;
  for (const std::string& target : targets) {
    v1::ReplayRequest request;
    request.set_target(target);
    *request.mutable_from() = events::ToProto(from);
    request.set_parked_only(!include_delivered);
    v1::ReplayResponse response;
    auto context = c.Context();
    grpc::Status status = notify.Replay(context.get(), request, &response);
    if (SkipDeniedResidentTarget(in, target, status)) continue;
    if (!status.ok()) return in.Fail(FromGrpc(status), "notify");
    total += response.requeued();
    replayed.push_back({{"target", target}, {"requeued", response.requeued()}});
    if (!in.json()) {
      in.out() << target << ": requeued " << response.requeued() << " deliveries\n";
    }
  }
  if (in.json()) {
    in.out() << nlohmann::json{{"from", absl::FormatTime(absl::RFC3339_sec, from, absl::UTCTimeZone())},
                               {"include_delivered", include_delivered},
                               {"targets", replayed},
                               {"requeued", total}}
                    .dump()
             << "\n";
  } else {
    in.out() << "requeued " << total << " deliveries whose step occurred at or after "
             << absl::FormatTime("%Y-%m-%d %H:%M:%S", from, in.zone())
             << (include_delivered ? " (delivered ones included)" : " (parked ones)") << "\n";
  }
  return ToInt(ExitCode::kOk);
}

// The options each verb takes besides the common ones; another verb's option is a usage error.
const std::map<std::string, std::vector<std::string>>& VerbOptions() {
  static const std::map<std::string, std::vector<std::string>> options = {
      {"integrations", {}},
      {"register", {"hotline_unit", "open311_client", "service", "callback_url", "event", "secret_ref"}},
      {"unregister", {}},
      {"parked", {"integration"}},
      {"replay", {"integration", "from", "include_delivered"}},
  };
  return options;
}

int Notify(Invocation& in) {
  const Args& a = in.args();
  if (a.positional().empty()) return in.Usage(absl::StrCat("needs a verb: ", kVerbs));
  const std::string verb = a.positional()[0];
  auto allowed = VerbOptions().find(verb);
  if (allowed == VerbOptions().end()) return in.Usage(absl::StrCat("unknown verb '", verb, "' (", kVerbs, ")"));
  for (const auto& [verb_of, options] : VerbOptions()) {
    for (const std::string& option : options) {
      if (a.Has(option) && std::find(allowed->second.begin(), allowed->second.end(), option) ==
                               allowed->second.end()) {
        return in.Usage(absl::StrCat("--", option, " does not apply to ", verb));
      }
    }
  }
  const size_t positionals = verb == "register" || verb == "unregister" ? 2 : 1;
  if (a.positional().size() != positionals) {
    return in.Usage(positionals == 2 ? absl::StrCat(verb, " needs exactly one NAME")
                                     : absl::StrCat(verb, " takes no other arguments"));
  }
  if (a.Has("integration") && a.Get("integration").empty()) return in.Usage("--integration: must not be empty");
  if (verb == "integrations") {
    return WithStub<v1::NotificationService>(in, "notify",
                                             [&](Connection& c, Stub& notify) { return Integrations(in, c, notify); });
  }
  if (verb == "register") {
    auto integration = IntegrationFromArgs(a.positional()[1], a);
    if (!integration.ok()) return in.Usage(std::string(integration.status().message()));
    return WithStub<v1::NotificationService>(
        in, "notify", [&](Connection& c, Stub& notify) { return Register(in, *integration, c, notify); });
  }
  if (verb == "unregister") {
    return WithStub<v1::NotificationService>(
        in, "notify", [&](Connection& c, Stub& notify) { return Unregister(in, a.positional()[1], c, notify); });
  }
  if (verb == "parked") {
    return WithStub<v1::NotificationService>(in, "notify",
                                             [&](Connection& c, Stub& notify) { return Parked(in, c, notify); });
  }
  auto from = ParseReplayFrom(a.Get("from"), absl::Now(), in.zone());
  if (!from.ok()) return in.Usage(std::string(from.status().message()));
  if (a.Switch("include_delivered") && !a.Has("integration")) {
    return in.Usage("--include_delivered sends delivered messages again: name the one target with --integration");
  }
  return WithStub<v1::NotificationService>(
      in, "notify", [&](Connection& c, Stub& notify) { return Replay(in, *from, c, notify); });
}

// --help for one verb: `gridctl notify replay --help`.
std::string VerbHelp(const Args& a) {
  if (a.positional().empty()) return "";
  const std::string& verb = a.positional()[0];
  if (verb == "integrations") {
    return "notify integrations: the registered integrations by name (ListIntegrations); a service identity sees "
           "only its own.\n";
  }
  if (verb == "register") {
    return "notify register NAME: registers NAME's callback, or replaces NAME's registration (RegisterIntegration). "
           "Exactly one source: --hotline_unit (the 12345 centre's org unit), --open311_client (an Open311 key's "
           "name) or --service (a front end's service identity). --callback_url https://…, --secret_ref the file "
           "in notify's --secrets_dir with the HMAC key, --event once per case event wanted (none: all).\n"
           "Example: gridctl notify register hotline-12345 --hotline_unit 330199.12345 "
           "--callback_url https://12345.example.gov.cn/gridcase/callbacks --secret_ref hotline-12345\n";
  }
  if (verb == "unregister") {
    return "notify unregister NAME: removes NAME's registration (UnregisterIntegration); exit 1 when there is none.\n";
  }
  if (verb == "parked") {
    return "notify parked [--integration T]: the deliveries parked after failing for --park_after (ListParked), "
           "oldest first, of T (an integration, resident-sms or resident-push) or of every integration and both "
           "resident targets.\n";
  }
  if (verb == "replay") {
    return "notify replay --from TIME [--integration T] [--include_delivered]: queues again the parked deliveries "
           "of T (or of every target) whose step occurred at or after TIME, with the parked deliveries of the same "
           "cases, in case order, with their original event ids (Replay). --include_delivered also sends the "
           "delivered ones again (to refill a receiver that lost data) and needs --integration. TIME: RFC 3339 "
           "(2026-11-30T08:00:00+08:00), a day (2026-11-30, local midnight) or a duration ago (24h, 3d).\n";
  }
  return "";
}

}  // namespace

void RegisterNotifySubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "notify",
       .summary = "notify's integrations and parked deliveries: list, register, unregister, list parked, replay",
       .usage = "notify integrations | notify register NAME (--hotline_unit U | --open311_client K | --service S) "
                "--callback_url URL --secret_ref REF [--event E …] | notify unregister NAME | "
                "notify parked [--integration T] | notify replay --from TIME [--integration T] [--include_delivered]",
       .description =
           "Calls notify's NotificationService (docs/NOTIFY.md) with the caller's token: a supervisor, or an "
           "operator service identity (notify's --notify_operators, default gridctl); an integration's own service "
           "identity for its own integration. A target is an integration's name, resident-sms or resident-push. "
           "`gridctl notify VERB --help` tells more about one verb.\n"
           "Example: gridctl notify parked --integration hotline-12345\n"
           "         gridctl notify replay --integration hotline-12345 --from 2026-11-30",
       .options = {{"integration", "T", "parked, replay: only this target (default: every integration and resident "
                                        "target)"},
                   {"from", "TIME", "replay: deliveries whose step occurred at or after TIME (required)"},
                   {"include_delivered", "", "replay: send delivered ones again too (needs --integration)"},
                   {"hotline_unit", "UNIT", "register: the source is this 12345 centre's org unit"},
                   {"open311_client", "KEY_NAME", "register: the source is this Open311 API key"},
                   {"service", "IDENTITY", "register: the source is this front end's service identity"},
                   {"callback_url", "URL", "register: where callbacks are POSTed (https://)"},
                   {"secret_ref", "REF", "register: the file in notify's --secrets_dir holding the HMAC key"},
                   {"event", "EVENT", "register: a case event wanted (repeatable; none: every change)"}},
       .run = Notify,
       .extra_help = VerbHelp});
}

}  // namespace gridcase::gridctl
