#include "services/notify/notify_front.h"

#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "libs/validation/field_error.h"
#include "services/notify/core/outbound.h"
#include "services/notify/core/planner.h"
#include "spdlog/spdlog.h"

namespace gridcase::notify {
namespace {

bool OwnsSource(const access::Caller& caller, const v1::Integration& integration) {
  return caller.service && integration.source().source_case() == v1::IntegrationSource::kService &&
         integration.source().service() == caller.person_id;
}

absl::Status Denied(const access::Caller& caller, absl::string_view what) {
  return absl::PermissionDeniedError(absl::StrCat(caller.Describe(), " may not ", what,
                                                  " (supervisors and operators may; a service only for the "
                                                  "integration whose source is itself)"));
}

}  // namespace

bool NotifyFront::IsOperator(const access::Caller& caller) const {
  return caller.role == v1::ROLE_SUPERVISOR || (caller.service && options_.operators.contains(caller.person_id));
}

absl::StatusOr<v1::Integration> NotifyFront::Find(const std::string& name) {
  auto all = integrations_->List();
  if (!all.ok()) return all.status();
  for (const v1::Integration& integration : *all) {
    if (integration.name() == name) return integration;
  }
  return absl::NotFoundError(absl::StrCat("no integration ", name));
}

absl::Status NotifyFront::CheckTarget(const access::Caller& caller, const std::string& target) {
  if (target.empty()) return validation::FieldError("target", "required: an integration, resident-sms or resident-push");
  if (target == kSmsTarget || target == kPushTarget) {
    return IsOperator(caller) ? absl::OkStatus() : Denied(caller, "act on residents' notices");
  }
  auto integration = Find(target);
  if (absl::IsNotFound(integration.status())) {
    return absl::NotFoundError(absl::StrCat("target: ", integration.status().message()));
  }
  if (!integration.ok()) return integration.status();
  if (IsOperator(caller) || OwnsSource(caller, *integration)) return absl::OkStatus();
  return Denied(caller, absl::StrCat("act on the deliveries of ", target));
}

absl::StatusOr<v1::RegisterIntegrationResponse> NotifyFront::Register(const access::Caller& caller,
                                                                      const v1::RegisterIntegrationRequest& request) {
  v1::Integration integration = request.integration();
  if (!IsOperator(caller) && !OwnsSource(caller, integration)) return Denied(caller, "register this integration");
  if (absl::Status s = ValidateIntegration(integration, options_.allow_http); !s.ok()) return s;
  auto existing = Find(integration.name());
  if (existing.ok() && !IsOperator(caller) && !OwnsSource(caller, *existing)) {
    return Denied(caller, absl::StrCat("replace the integration ", integration.name()));
  }
  auto all = integrations_->List();
  if (!all.ok()) return all.status();
  for (const v1::Integration& other : *all) {
    if (other.name() != integration.name() && other.source().SerializeAsString() ==
                                                  integration.source().SerializeAsString()) {
      return absl::AlreadyExistsError(
          absl::StrCat("integration.source: already registered by the integration ", other.name()));
    }
  }
  *integration.mutable_registered_at() = events::ToProto(now_());
  integration.set_registered_by(caller.Describe());
  auto replaced = integrations_->Put(integration);
  if (!replaced.ok()) return replaced.status();
  spdlog::info("msg=integration_registered name={} url={} events={} by={}", integration.name(),
               integration.callback_url(), integration.events_size(), caller.Describe());
  v1::RegisterIntegrationResponse response;
  *response.mutable_integration() = integration;
  response.set_replaced(*replaced);
  return response;
}

absl::StatusOr<v1::ListIntegrationsResponse> NotifyFront::List(const access::Caller& caller) {
  if (!IsOperator(caller) && !caller.service) return Denied(caller, "list integrations");
  auto all = integrations_->List();
  if (!all.ok()) return all.status();
  v1::ListIntegrationsResponse response;
  for (const v1::Integration& integration : *all) {
    if (IsOperator(caller) || OwnsSource(caller, integration)) *response.add_integrations() = integration;
  }
  return response;
}

absl::Status NotifyFront::Unregister(const access::Caller& caller, const std::string& name) {
  auto integration = Find(name);
  if (!integration.ok()) return integration.status();
  if (!IsOperator(caller) && !OwnsSource(caller, *integration)) return Denied(caller, "remove this integration");
  spdlog::info("msg=integration_removed name={} by={}", name, caller.Describe());
  return integrations_->Remove(name);
}

absl::StatusOr<v1::ListParkedResponse> NotifyFront::ListParked(const access::Caller& caller,
                                                               const v1::ListParkedRequest& request) {
  if (absl::Status s = CheckTarget(caller, request.target()); !s.ok()) return s;
  int size = request.page_size() == 0 ? 100 : request.page_size();
  if (size < 0 || size > 1000) return validation::FieldError("page_size", "must be between 1 and 1000");
  auto page = queue_->ListParked(request.target(), size, request.page_token());
  if (!page.ok()) return page.status();
  v1::ListParkedResponse response;
  for (v1::Delivery& d : page->deliveries) *response.add_deliveries() = std::move(d);
  response.set_next_page_token(page->next_page_token);
  return response;
}

absl::StatusOr<v1::ReplayResponse> NotifyFront::Replay(const access::Caller& caller,
                                                       const v1::ReplayRequest& request) {
  if (absl::Status s = CheckTarget(caller, request.target()); !s.ok()) return s;
  if (!request.has_from()) return validation::FieldError("from", "required: replay the deliveries from this time on");
  auto requeued = queue_->Replay(request.target(), events::FromProto(request.from()), request.parked_only(), now_());
  if (!requeued.ok()) return requeued.status();
  spdlog::info("msg=replay_requested target={} from={} parked_only={} requeued={} by={}", request.target(),
               absl::FormatTime(events::FromProto(request.from())), request.parked_only(), *requeued,
               caller.Describe());
  v1::ReplayResponse response;
  response.set_requeued(*requeued);
  return response;
}

}  // namespace gridcase::notify
