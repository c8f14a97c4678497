#include "absl/strings/string_view.h"
#include "services/intake/core/intake.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/events/proto_time.h"
#include "libs/server/grpc_status.h"
#include "services/intake/core/text_rules.h"

namespace gridcase::intake {
namespace {

using events::ToProto;
using server::FieldError;

std::string ShanghaiDay(absl::Time t) {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) *tz = absl::FixedTimeZone(8 * 3600);
    return tz;
  }();
  return absl::FormatTime("%Y%m%d", t, *zone);
}

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateSubmission(const v1::SubmitCaseRequest& request) {
  if (request.idempotency_key().empty()) return FieldError("idempotency_key", "must not be empty");
  if (request.idempotency_key().size() > 128 || !IsPrintableAscii(request.idempotency_key())) {
    return FieldError("idempotency_key", "must be 1..128 printable ASCII characters without spaces");
  }
  if (request.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(request.channel())) {
    return FieldError("channel", "must be one of HOTLINE_12345, APP, GRID_PATROL, OPEN311");
  }
  if (absl::Status s = CheckText("text", request.text(), 1, 4000); !s.ok()) return s;
  if (absl::Status s = CheckText("title", request.title(), 0, 200); !s.ok()) return s;
  if (absl::Status s = CheckText("address", request.address(), 0, 500); !s.ok()) return s;
  if (absl::Status s = CheckText("resident.name", request.resident().name(), 0, 50); !s.ok()) return s;
  if (absl::Status s = CheckText("resident.resident_id", request.resident().resident_id(), 0, 128); !s.ok()) return s;
  if (!request.resident().phone().empty() && !IsMainlandPhone(request.resident().phone())) {
    return FieldError("resident.phone", "is not a mainland China mobile or landline number");
  }
  if (absl::Status s = CheckText("catalogue_item", request.catalogue_item(), 0, 64); !s.ok()) return s;
  if (request.has_point()) {
    double lat = request.point().lat();
    double lng = request.point().lng();
    if (!std::isfinite(lat) || lat < -90 || lat > 90) return FieldError("point.lat", "must be within [-90, 90]");
    if (!std::isfinite(lng) || lng < -180 || lng > 180) return FieldError("point.lng", "must be within [-180, 180]");
  }
  return absl::OkStatus();
}

v1::CaseEvent Intake::BuildSubmitted(const v1::SubmitCaseRequest& request, const std::string& case_id,
                                     absl::Time now) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/1"));
  event.set_case_id(case_id);
  event.set_case_version(1);
  *event.mutable_occurred_at() = ToProto(now);
  event.mutable_actor()->set_role(request.channel() == v1::CHANNEL_GRID_PATROL ? v1::ROLE_GRID_WORKER
                                                                               : v1::ROLE_SYSTEM);
  event.mutable_actor()->set_person_id("intake");
  event.set_correlation_id(request.idempotency_key());
  v1::Case* c = event.mutable_submitted()->mutable_initial();
  c->set_id(case_id);
  c->set_channel(request.channel());
  *c->mutable_resident() = request.resident();
  c->set_title(request.title());
  c->set_text(request.text());
  if (request.has_point()) *c->mutable_location()->mutable_point() = request.point();
  c->mutable_location()->set_address(request.address());
  c->mutable_location()->set_needs_manual_grid(true);
  c->set_catalogue_item(request.catalogue_item());
  c->set_category(v1::CATEGORY_GENERAL);
  c->set_category_suggested(true);
  c->set_status(v1::CASE_STATUS_SUBMITTED);
  c->set_level(v1::LEVEL_GRID);
  c->set_version(1);
  c->set_cycle(1);
  *c->mutable_created_at() = ToProto(now);
  *c->mutable_updated_at() = ToProto(now);
  c->set_idempotency_key(request.idempotency_key());
  return event;
}

absl::StatusOr<v1::SubmitCaseResponse> Intake::Submit(const v1::SubmitCaseRequest& request) {
  if (absl::Status s = ValidateSubmission(request); !s.ok()) return s;
  absl::Time now = clock_();
  auto reservation = store_->Reserve(request.channel(), request.idempotency_key(), ShanghaiDay(now));
  if (!reservation.ok()) return reservation.status();

  v1::CaseEvent event;
  if (reservation->saved_event.has_value()) {
    event = *reservation->saved_event;
  } else {
    event = BuildSubmitted(request, reservation->case_id, now);
    if (absl::Status s = store_->SaveEvent(request.channel(), request.idempotency_key(), event); !s.ok()) return s;
  }
  if (!reservation->published) {
    if (absl::Status s = publisher_->Publish(event); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("case ", reservation->case_id,
                                                 " reserved but not yet published; retry with the same "
                                                 "idempotency_key: ",
                                                 s.message()));
    }
    if (absl::Status s = store_->MarkPublished(request.channel(), request.idempotency_key()); !s.ok()) return s;
  }

  const v1::Case& submitted = event.submitted().initial();
  v1::SubmitCaseResponse response;
  response.set_case_id(reservation->case_id);
  response.set_duplicate_submit(!reservation->fresh);
  response.set_grid_code(submitted.location().grid_code());
  response.set_needs_manual_grid(submitted.location().needs_manual_grid());
  response.set_suggested_category(submitted.category());
  response.set_emergency(submitted.emergency());
  return response;
}

absl::StatusOr<v1::Case> Intake::GetCase(const std::string& case_id) {
  if (case_id.empty()) return FieldError("case_id", "must not be empty");
  auto projected = reader_->GetCase(case_id);
  if (!projected.ok()) return projected.status();
  if (projected->has_value()) return **projected;
  auto submitted = store_->SubmittedCase(case_id);
  if (!submitted.ok()) return submitted.status();
  if (submitted->has_value()) return **submitted;
  return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
}

}  // namespace gridcase::intake
