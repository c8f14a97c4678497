#include "tools/gridctl/core/notify_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/events/proto_time.h"
#include "tools/gridctl/core/case_format.h"

namespace gridcase::gridctl {

absl::StatusOr<v1::Integration> IntegrationFromArgs(const std::string& name, const Args& args) {
  v1::Integration integration;
  integration.set_name(name);
  int sources = 0;
  for (const char* option : {"hotline_unit", "open311_client", "service"}) {
    if (!args.Has(option)) continue;
    ++sources;
    const std::string value = args.Get(option);
    if (value.empty()) return absl::InvalidArgumentError(absl::StrCat("--", option, ": must not be empty"));
    v1::IntegrationSource* source = integration.mutable_source();
    if (std::string(option) == "hotline_unit") source->set_hotline_unit(value);
    if (std::string(option) == "open311_client") source->set_open311_client(value);
    if (std::string(option) == "service") source->set_service(value);
  }
  if (sources != 1) {
    return absl::InvalidArgumentError(
        "needs exactly one source: --hotline_unit UNIT, --open311_client KEY_NAME or --service IDENTITY");
  }
  if (args.Get("callback_url").empty()) return absl::InvalidArgumentError("--callback_url is required");
  if (args.Get("secret_ref").empty()) {
    return absl::InvalidArgumentError("--secret_ref is required: the file in notify's --secrets_dir holding the key");
  }
  integration.set_callback_url(args.Get("callback_url"));
  integration.set_secret_ref(args.Get("secret_ref"));
  for (const std::string& event : args.All("event")) {
    if (event.empty()) return absl::InvalidArgumentError("--event: must not be empty");
    integration.add_events(event);
  }
  return integration;
}

absl::StatusOr<absl::Time> ParseReplayFrom(const std::string& text, absl::Time now, absl::TimeZone zone) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "--from is required: an RFC 3339 time, a day (2026-11-30) or a duration ago (24h)");
  }
  absl::Time from;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &from, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, zone, &from, &error)) {
    auto ago = ParseDurationText(text);
    if (!ago.ok() || *ago < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--from: '", text, "' is neither an RFC 3339 time (2026-11-30T08:00:00+08:00), a day (2026-11-30) nor a "
                             "duration ago (24h, 3d)"));
    }
    from = now - *ago;
  }
  if (from > now) return absl::InvalidArgumentError(absl::StrCat("--from: '", text, "' is in the future"));
  return from;
}

std::string SourceText(const v1::IntegrationSource& source) {
  switch (source.source_case()) {
    case v1::IntegrationSource::kOpen311Client:
      return absl::StrCat("open311_client ", source.open311_client());
    case v1::IntegrationSource::kService:
      return absl::StrCat("service ", source.service());
    case v1::IntegrationSource::kHotlineUnit:
      return absl::StrCat("hotline_unit ", source.hotline_unit());
    case v1::IntegrationSource::SOURCE_NOT_SET:
      break;
  }
  return "-";
}

namespace {

std::string EventsText(const v1::Integration& integration) {
  return integration.events().empty() ? "all" : absl::StrJoin(integration.events(), ",");
}

}  // namespace

Table IntegrationsTable(const std::vector<v1::Integration>& integrations, absl::TimeZone zone) {
  Table table{.headers = {"name", "source", "callback url", "events", "secret", "registered at", "by"}};
  for (const v1::Integration& i : integrations) {
    table.Add({i.name(), SourceText(i.source()), i.callback_url(), EventsText(i), i.secret_ref(),
               FormatTimestamp(i.registered_at(), zone), i.registered_by()});
  }
  return table;
}

std::string IntegrationFields(const v1::Integration& integration, absl::TimeZone zone) {
  return RenderFields({{"name", integration.name()},
                       {"source", SourceText(integration.source())},
                       {"callback url", integration.callback_url()},
                       {"events", EventsText(integration)},
                       {"secret", integration.secret_ref()},
                       {"registered at", FormatTimestamp(integration.registered_at(), zone)},
                       {"registered by", integration.registered_by()}});
}

Table ParkedTable(const std::vector<v1::Delivery>& deliveries, absl::TimeZone zone) {
  Table table{.headers = {"target", "delivery", "case", "event", "attempts", "occurred at", "parked at",
                          "last error"}};
  for (const v1::Delivery& d : deliveries) {
    table.Add({d.target(), d.delivery_id(), d.case_id(), d.event_type(), absl::StrCat(d.attempts()),
               FormatTimestamp(d.occurred_at(), zone), FormatTimestamp(d.parked_at(), zone), d.last_error()});
  }
  return table;
}

}  // namespace gridcase::gridctl
