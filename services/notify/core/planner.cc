#include "services/notify/core/planner.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/events/codec.h"
#include "libs/events/proto_time.h"
#include "libs/validation/field_error.h"
#include "services/notify/core/callback_body.h"
#include "services/notify/core/case_source.h"

namespace gridcase::notify {
namespace {

bool NameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'; }

bool HasResident(const v1::Resident& r) {
  if (r.erased()) return false;
  return r.has_sealed() || !r.phone().empty() || !r.resident_id().empty();
}

}  // namespace

const std::vector<std::string>& CallbackEventTypes() {
  static const auto* types = new std::vector<std::string>{
      "submitted",           "co_requester_added",     "grid_verified",          "grid_marked_invalid",
      "grid_marked_duplicate", "community_handled_locally", "community_escalated", "township_dispatched",
      "department_accepted", "department_transferred", "department_returned",    "extension_requested",
      "extension_decided",   "resolved",               "resident_rated",         "reopened",
      "escalated",           "closed",                 "paused",                 "resumed",
      "personal_data_erased"};
  return *types;
}

absl::Status ValidateIntegration(const v1::Integration& integration, bool allow_http) {
  const std::string& name = integration.name();
  if (name.empty() || name.size() > 40 || !std::all_of(name.begin(), name.end(), NameChar) || name == kSmsTarget ||
      name == kPushTarget) {
    return validation::FieldError("integration.name", "must be 1-40 of [a-z0-9._-] and not resident-sms/resident-push");
  }
  if (SourceKey(integration.source()).empty()) {
    return validation::FieldError("integration.source", "one of open311_client, service or hotline_unit is required");
  }
  const std::string& url = integration.callback_url();
  const bool https = absl::StartsWith(url, "https://") && url.size() > 8;
  const bool http = allow_http && absl::StartsWith(url, "http://") && url.size() > 7;
  if ((!https && !http) || url.size() > 1024 || absl::StrContains(url, " ")) {
    return validation::FieldError("integration.callback_url", "must be an https:// URL of at most 1024 characters");
  }
  for (int i = 0; i < integration.events_size(); ++i) {
    const std::vector<std::string>& known = CallbackEventTypes();
    if (std::find(known.begin(), known.end(), integration.events(i)) == known.end()) {
      return validation::FieldError(absl::StrCat("integration.events[", i, "]"),
                                    absl::StrCat("unknown case event \"", integration.events(i), "\""));
    }
  }
  const std::string& ref = integration.secret_ref();
  if (ref.empty() || ref.size() > 100 || ref[0] == '.' || !std::all_of(ref.begin(), ref.end(), NameChar)) {
    return validation::FieldError("integration.secret_ref",
                                  "must name a file in notify's secrets directory: 1-100 of [a-z0-9._-], not "
                                  "starting with a dot");
  }
  return absl::OkStatus();
}

std::vector<Outbound> PlanDeliveries(const v1::CaseEvent& event, const v1::Case& after, const std::string& source,
                                     std::optional<absl::Time> due, const std::vector<v1::Integration>& integrations) {
  std::vector<Outbound> out;
  const std::string type = events::EventType(event);
  const std::string event_id = absl::StrCat(event.case_id(), "/", event.case_version());
  const absl::Time occurred = events::FromProto(event.occurred_at());
  std::optional<absl::Time> expected = due;
  if (!expected && after.has_due_at()) expected = events::FromProto(after.due_at());

  if (!source.empty()) {
    for (const v1::Integration& integration : integrations) {
      if (SourceKey(integration.source()) != source) continue;
      const bool wanted = integration.events().empty() ||
                          std::find(integration.events().begin(), integration.events().end(), type) !=
                              integration.events().end();
      if (!wanted) continue;
      Outbound callback{.target = integration.name(),
                        .delivery_id = event_id,
                        .case_id = event.case_id(),
                        .case_version = event.case_version(),
                        .event_type = type,
                        .occurred_at = occurred};
      callback.body = CallbackBody(integration.name(), event, after, expected);
      out.push_back(std::move(callback));
    }
  }

  std::vector<NoticeStep> steps;
  if (event.has_submitted()) steps = {NoticeStep::kAccepted};
  if (event.has_resolved()) steps = {NoticeStep::kResolved, NoticeStep::kRating};
  if (event.has_reopened()) steps = {NoticeStep::kReopened};
  if (steps.empty() || !HasResident(after.resident())) return out;
  const bool app = after.channel() == v1::CHANNEL_APP;
  std::vector<std::string> targets = {kSmsTarget};
  if (app) targets = {kPushTarget, kSmsTarget};
  for (NoticeStep step : steps) {
    for (const std::string& target : targets) {
      Outbound notice{.target = target,
                      .delivery_id = absl::StrCat(event_id, "/", NoticeStepName(step)),
                      .case_id = event.case_id(),
                      .case_version = event.case_version(),
                      .event_type = type,
                      .occurred_at = occurred};
      notice.step = step;
      notice.sealed_resident = after.resident().SerializeAsString();
      notice.emergency = after.emergency();
      notice.app_request = app;
      if (step == NoticeStep::kResolved) notice.reply = after.resolution_reply();
      out.push_back(std::move(notice));
    }
  }
  return out;
}

}  // namespace gridcase::notify
