#include "services/notify/core/callback_body.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "libs/events/codec.h"
#include "libs/events/proto_time.h"
#include "nlohmann/json.hpp"

namespace gridcase::notify {

std::string StatusName(v1::CaseStatus status) {
  absl::string_view name = v1::CaseStatus_Name(status);
  absl::ConsumePrefix(&name, "CASE_STATUS_");
  return absl::AsciiStrToLower(name);
}

std::string CallbackTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", t, absl::FixedTimeZone(8 * 3600));
}

std::string CallbackBody(const std::string& integration, const v1::CaseEvent& event, const v1::Case& after,
                         std::optional<absl::Time> expected_completion) {
  // nlohmann::ordered_json keeps the fields in this order, so the body reads the same in every log.
  nlohmann::ordered_json body;
  body["event_id"] = event.event_id();
  body["integration"] = integration;
  body["case_id"] = event.case_id();
  body["case_version"] = event.case_version();
  body["event_type"] = events::EventType(event);
  body["request_ref"] = after.idempotency_key();
  body["status"] = StatusName(after.status());
  body["holder_unit"] = after.holder_unit();
  body["department"] = after.department_code();
  body["expected_completion_at"] =
      expected_completion ? nlohmann::ordered_json(CallbackTime(*expected_completion)) : nlohmann::ordered_json();
  body["reply"] = after.status() == v1::CASE_STATUS_RESOLVED || event.has_resolved()
                      ? nlohmann::ordered_json(after.resolution_reply())
                      : nlohmann::ordered_json();
  body["cycle"] = after.cycle();
  body["occurred_at"] = CallbackTime(events::FromProto(event.occurred_at()));
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace gridcase::notify
