#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/notify.pb.h"
#include "tools/gridctl/core/args.h"
#include "tools/gridctl/core/table.h"

namespace gridcase::gridctl {

// How `gridctl notify` reads its command line and shows NotificationService's answers (docs/NOTIFY.md).

// The targets whose deliveries are resident notices rather than callbacks to an integration.
inline const std::vector<std::string>& ResidentTargets() {
  static const std::vector<std::string> targets = {"resident-sms", "resident-push"};
  return targets;
}

// The integration `register NAME` describes: exactly one of --hotline_unit, --open311_client, --service as its
// source, --callback_url and --secret_ref required, --event repeatable (none: every change). INVALID_ARGUMENT
// naming the option otherwise. The service checks the values themselves (URL scheme, name and event names).
absl::StatusOr<v1::Integration> IntegrationFromArgs(const std::string& name, const Args& args);

// A replay's --from: an RFC 3339 time ("2026-11-30T08:00:00+08:00"), a day ("2026-11-30": its midnight in `zone`),
// or a duration before `now` ("24h", "3d"). INVALID_ARGUMENT "--from: …" otherwise, and for a time after `now`.
absl::StatusOr<absl::Time> ParseReplayFrom(const std::string& text, absl::Time now, absl::TimeZone zone);

// "hotline_unit 330199.12345", "open311_client city-app", "service app"; "-" when unset.
std::string SourceText(const v1::IntegrationSource& source);

// Integrations by name: source, callback URL, events ("all" when none), secret, registered at and by.
Table IntegrationsTable(const std::vector<v1::Integration>& integrations, absl::TimeZone zone);
// One integration as "field  value" lines.
std::string IntegrationFields(const v1::Integration& integration, absl::TimeZone zone);
// Parked deliveries as ListParked sends them (oldest parked first per target).
Table ParkedTable(const std::vector<v1::Delivery>& deliveries, absl::TimeZone zone);

}  // namespace gridcase::gridctl
