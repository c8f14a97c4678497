#include "services/dispatch/projection_consumer.h"

#include "absl/strings/str_cat.h"
#include "libs/events/codec.h"
#include "libs/kafka/case_wait.h"
#include "libs/log/log.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {
namespace {

bool IsTerminal(const v1::Case& c) {
  return c.status() == v1::CASE_STATUS_CLOSED || c.status() == v1::CASE_STATUS_INVALID ||
         c.status() == v1::CASE_STATUS_DUPLICATE;
}

}  // namespace

absl::Status CaseRecordHandler::Handle(const kafka::Message& message) {
  auto event = events::ParseEvent(message.value);
  if (!event.ok()) return event.status();
  absl::Status status = HandleEvent(*event);
  if (status.ok()) {
    spdlog::debug("msg=event_handled case_id={} version={} type={} topic={} partition={} offset={}",
                  event->case_id(), event->case_version(), events::EventType(*event), message.topic,
                  message.partition, message.offset);
  }
  return status;
}

absl::Status CaseRecordHandler::HandleEvent(const v1::CaseEvent& event) {
  if (event.case_version() > 0) return projector_->Project(event).status();
  if (event.has_deadline_set()) {
    if (event.deadline_set().clock() != v1::CLOCK_KIND_COMPLETION) return absl::OkStatus();
    absl::Status s = store_->SetDueAt(event.case_id(), event.deadline_set().due_at());
    // The case's submitted event is on another topic and may not be projected yet: retry.
    if (absl::IsNotFound(s)) return kafka::WaitForEarlierRecord(s.message());
    return s;
  }
  if (event.has_sla_breached() && commands_ != nullptr) return Escalate(event);
  return absl::OkStatus();
}

absl::Status CaseRecordHandler::Escalate(const v1::CaseEvent& breach) {
  v1::Level target = breach.sla_breached().escalate_to();
  if (target == v1::LEVEL_UNSPECIFIED) return absl::OkStatus();
  auto loaded = store_->Load(breach.case_id());
  if (!loaded.ok()) return loaded.status();
  if (!loaded->has_value()) {
    return kafka::WaitForEarlierRecord(absl::StrCat("case ", breach.case_id(), " not projected yet"));
  }
  v1::Case c = **loaded;
  v1::Actor system;
  system.set_role(v1::ROLE_SYSTEM);
  system.set_person_id("sla");
  system.set_unit_code("sla");
  int32_t cycle = breach.sla_breached().cycle();
  while (!IsTerminal(c) && c.level() < target && (cycle == 0 || c.cycle() == cycle)) {
    std::string reason = absl::StrCat("SLA breach: ", v1::ClockKind_Name(breach.sla_breached().clock()),
                                      " clock overdue, held by ", breach.sla_breached().holder_unit());
    // One request id per rung, so a redelivered breach replays the escalations it already made.
    std::string request_id = absl::StrCat(breach.event_id(), "@", v1::Level_Name(c.level()));
    auto result = commands_->Execute(c.id(), dispatch::Escalate{reason}, system, c.version(), request_id);
    if (!result.ok()) {
      absl::StatusCode code = result.status().code();
      if (code == absl::StatusCode::kAborted || code == absl::StatusCode::kUnavailable) return result.status();
      // The ladder has no rung above, or the case cannot move: nothing to do for this breach.
      spdlog::warn("msg=escalation_skipped case_id={} level={} target={} reason={}", c.id(), v1::Level_Name(c.level()),
                   v1::Level_Name(target), log::Quote(result.status().ToString()));
      return absl::OkStatus();
    }
    spdlog::info("msg=case_escalated case_id={} from={} to={} version={}", c.id(), v1::Level_Name(c.level()),
                 v1::Level_Name(result->after.level()), result->after.version());
    c = result->after;
  }
  return absl::OkStatus();
}

}  // namespace gridcase::dispatch
