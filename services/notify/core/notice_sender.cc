#include "services/notify/core/notice_sender.h"

#include "absl/strings/str_cat.h"
#include "services/notify/core/notice_text.h"

namespace gridcase::notify {

SendOutcome NoticeSender::Send(const Attempt& attempt) {
  const Outbound& out = attempt.outbound;
  if (attempt.in_doubt) {
    auto accepted = gateway_->Accepted(out.delivery_id);
    if (!accepted.ok()) return SendOutcome::Failed(std::string(accepted.status().message()));
    if (*accepted) return SendOutcome::Delivered("accepted by the gateway before");
  }
  const absl::Time now = now_();
  if (options_.sms && !out.emergency) {
    const absl::Time allowed = options_.quiet.NextAllowed(now);
    if (allowed > now) return SendOutcome::Deferred(allowed);
  }

  v1::Resident sealed;
  if (!sealed.ParseFromString(out.sealed_resident)) return SendOutcome::Delivered("skipped: unreadable resident");
  auto resident = residents_->Open(out.case_id, sealed);
  if (!resident.ok()) return SendOutcome::Failed(std::string(resident.status().message()));
  if (resident->erased()) return SendOutcome::Delivered("skipped: personal data erased");
  if (options_.sms && out.app_request && !resident->resident_id().empty()) {
    return SendOutcome::Delivered("skipped: reached by app push");
  }
  const std::string recipient = options_.sms ? resident->phone() : resident->resident_id();
  if (recipient.empty()) return SendOutcome::Delivered(options_.sms ? "skipped: no phone" : "skipped: no app id");

  if (options_.sms && options_.limit.max > 0) {
    const absl::Duration window = options_.limit.window;
    const absl::Time start = absl::UnixEpoch() + absl::Floor(now - absl::UnixEpoch(), window);
    auto count = counter_->Add(residents_->PhoneToken(recipient), start, window);
    if (!count.ok()) return SendOutcome::Failed(std::string(count.status().message()));
    if (*count > options_.limit.max) return SendOutcome::Deferred(start + window);
  }

  NoticeFields fields{.signature = options_.signature, .case_id = out.case_id, .reply = out.reply};
  if (out.step == NoticeStep::kRating) {
    auto state = cases_->Load(out.case_id);
    if (!state.ok()) return SendOutcome::Failed(std::string(state.status().message()));
    if (state->version >= out.case_version && state->case_view.status() != v1::CASE_STATUS_RESOLVED) {
      return SendOutcome::Delivered("skipped: no longer awaiting a rating");
    }
    auto code = codes_->Issue(out.case_id);
    if (absl::IsNotFound(code.status()) || absl::IsFailedPrecondition(code.status())) {
      return SendOutcome::Delivered(absl::StrCat("skipped: ", code.status().message()));
    }
    if (!code.ok()) return SendOutcome::Failed(std::string(code.status().message()));
    fields.rating_code = code->code;
    fields.rating_expires = code->expires_at;
  }

  absl::Status sent = gateway_->Send({.id = out.delivery_id, .recipient = recipient, .text = NoticeText(out.step, fields)});
  if (!sent.ok()) return SendOutcome::Failed(std::string(sent.message()));
  return SendOutcome::Delivered();
}

}  // namespace gridcase::notify
