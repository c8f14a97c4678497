#include "services/dispatch/case_commands.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/case/case_fold.h"
#include "libs/events/codec.h"
#include "libs/events/proto_time.h"
#include "libs/faults/crash_point.h"
#include "libs/log/log.h"
#include "libs/validation/field_error.h"
#include "libs/validation/key_part.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {
namespace {

std::string Describe(const v1::CaseEvent& event) {
  return absl::StrCat(events::EventType(event), " by ", v1::Role_Name(event.actor().role()), " ",
                      event.actor().unit_code(), "/", event.actor().person_id());
}

}  // namespace

absl::StatusOr<CommandResult> CaseCommands::Execute(const std::string& case_id, const Command& command,
                                                    const v1::Actor& actor, int64_t expected_version,
                                                    const std::string& request_id) {
  if (absl::Status s = validation::CheckKeyPart("case_id", case_id); !s.ok()) return s;
  auto current = store_->Load(case_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));

  auto event = machine_->Decide(**current, command, actor, expected_version, clock_());
  if (!event.ok()) {
    // A retry of a command that succeeded meets the case it moved on: answer with the original outcome. (A retry
    // that finds the case unchanged is recognised by the claim itself.)
    if (!request_id.empty()) {
      auto earlier = claims_->FindRequest(case_id, request_id);
      if (!earlier.ok()) return earlier.status();
      if (earlier->has_value()) return Replay(**std::move(earlier));
    }
    if (absl::IsAborted(event.status()) && expected_version < (*current)->version()) {
      return absl::AbortedError(absl::StrCat(event.status().message(), TakenBy(case_id, expected_version + 1)));
    }
    return event.status();
  }
  event->set_correlation_id(request_id);
  if (personal_data_ != nullptr && event->has_co_requester_added() &&
      privacy::HasClearFields(event->co_requester_added().resident())) {
    // Sealed before the claim: the claim, the log and the projections never hold the co-requester in clear.
    auto sealed = personal_data_->Seal(case_id, event->co_requester_added().resident());
    if (!sealed.ok()) return sealed.status();
    *event->mutable_co_requester_added()->mutable_resident() = *std::move(sealed);
  }
  auto after = cases::ApplyEvent(**current, *event);
  if (!after.ok()) return after.status();

  auto claim = claims_->Claim(*event, *after, request_id);
  if (!claim.ok()) return claim.status();
  switch (claim->outcome) {
    case ClaimOutcome::kReplay:
      return Replay(*std::move(claim->holder));
    case ClaimOutcome::kTaken: {
      VersionClaim holder = *std::move(claim->holder);
      if (!holder.published && clock_() - holder.claimed_at >= settle_after_) {
        // The holder was abandoned unconfirmed: settle it now rather than leave the case waiting for the resolver.
        if (auto settled = Complete(holder, /*abandoned=*/true); !settled.ok()) {
          spdlog::warn("msg=pending_claim_not_settled case_id={} version={} error={}", case_id,
                       holder.event.case_version(), log::Quote(settled.status().ToString()));
        }
      }
      return absl::AbortedError(absl::StrCat("case ", case_id, " changed concurrently: version ",
                                             event->case_version(), " was taken by ", Describe(holder.event),
                                             "; read the case again"));
    }
    case ClaimOutcome::kClaimed:
      break;
  }
  faults::CrashPoint("dispatch.after_claim");
  return Complete(VersionClaim{*std::move(event), *std::move(after), false, clock_()}, /*abandoned=*/false, &*current);
}

absl::StatusOr<CommandResult> CaseCommands::Replay(VersionClaim claim) {
  const std::string case_id = claim.event.case_id();
  const int64_t version = claim.event.case_version();
  while (!claim.published && clock_() - claim.claimed_at < settle_after_) {
    absl::SleepFor(absl::Milliseconds(20));
    auto again = claims_->Get(case_id, version);
    if (!again.ok()) return again.status();
    if (!again->has_value()) break;
    claim = **std::move(again);
  }
  return Complete(std::move(claim), /*abandoned=*/true);
}

absl::StatusOr<CommandResult> CaseCommands::Complete(VersionClaim claim, bool abandoned,
                                                     const std::optional<v1::Case>* before) {
  const std::string& case_id = claim.event.case_id();
  int64_t version = claim.event.case_version();
  if (!claim.published && abandoned) {
    auto projected = store_->Load(case_id);
    if (!projected.ok()) return projected.status();
    if (projected->has_value() && (*projected)->version() >= version) {
      if (absl::Status s = claims_->MarkPublished(case_id, version); !s.ok()) return s;
      claim.published = true;
    }
  }
  if (!claim.published) {
    if (absl::Status s = publisher_->Publish(claim.event); !s.ok()) {
      return absl::UnavailableError(absl::StrCat("case ", case_id, " version ", version,
                                                 " is claimed but Kafka has not confirmed its event (", s.message(),
                                                 "); retry with the same request_id"));
    }
    faults::CrashPoint("dispatch.after_publish");
    if (absl::Status s = claims_->MarkPublished(case_id, version); !s.ok()) {
      // The event is durable; the resolver will publish an identical copy, which every consumer ignores.
      spdlog::warn("msg=claim_confirmation_deferred case_id={} version={} error={}", case_id, version,
                   log::Quote(s.ToString()));
    }
  }
  // The event is durable; if Redis fails here the stage consumer applies it shortly. The fold from the case the
  // command was decided on is written directly unless the view changed meanwhile.
  absl::StatusOr<ApplyOutcome> outcome = ApplyOutcome::kGap;
  if (before != nullptr) outcome = store_->Apply(claim.event, claim.after, *before);
  if (outcome.ok() && (*outcome == ApplyOutcome::kGap || *outcome == ApplyOutcome::kDueChanged)) {
    outcome = projector_.Project(claim.event);
  }
  if (!outcome.ok()) {
    spdlog::warn("msg=apply_deferred case_id={} version={} error={}", case_id, version,
                 log::Quote(outcome.status().ToString()));
  }
  return CommandResult{std::move(claim.after), std::move(claim.event)};
}

namespace {

// The data keys of the residents `c` still shows sealed, among `wanted` (all when empty).
std::vector<std::string> SealedKeys(const v1::Case& c, const std::vector<std::string>& wanted) {
  std::vector<std::string> keys;
  auto consider = [&](const v1::Resident& r) {
    if (!r.has_sealed()) return;
    const std::string& id = r.sealed().key_id();
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), id) == wanted.end()) return;
    if (std::find(keys.begin(), keys.end(), id) == keys.end()) keys.push_back(id);
  };
  if (c.has_resident()) consider(c.resident());
  for (const v1::Resident& r : c.co_requesters()) consider(r);
  return keys;
}

}  // namespace

absl::StatusOr<ErasureResult> CaseCommands::ErasePersonalData(const std::string& case_id,
                                                              const std::vector<std::string>& key_ids,
                                                              v1::PersonalDataErased::Reason reason,
                                                              const std::string& note, const v1::Actor& actor,
                                                              const std::string& request_id) {
  if (case_id.empty()) return validation::FieldError("case_id", "must not be empty");
  if (personal_data_ == nullptr) return absl::FailedPreconditionError("this dispatch has no data key store");
  auto current = store_->Load(case_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  // The guarantee first: once the keys are gone, every copy of what they sealed is unreadable.
  auto erased = personal_data_->store()->Erase(case_id, key_ids);
  if (!erased.ok()) return erased.status();
  faults::CrashPoint("dispatch.after_key_erase");
  ErasureResult result{case_id, *erased, 0};
  // Then the record in the case history. A command taking the version meanwhile: read again and retry.
  constexpr int kAttempts = 8;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) {
      // The version's holder is usually projected within milliseconds; then the erasure may be recorded already.
      absl::SleepFor(absl::Milliseconds(20 * attempt));
      current = store_->Load(case_id);
      if (!current.ok()) return current.status();
    }
    const v1::Case& before = **current;
    std::vector<std::string> to_record = SealedKeys(before, key_ids);
    // Only keys that are erased now: a resident added after the erasure keeps its own live key.
    std::erase_if(to_record, [&](const std::string& id) {
      return std::find(erased->begin(), erased->end(), id) == erased->end();
    });
    if (to_record.empty()) return result;
    v1::CaseEvent event;
    event.set_case_id(case_id);
    event.set_case_version(before.version() + 1);
    event.set_event_id(absl::StrCat(case_id, "/", event.case_version()));
    *event.mutable_occurred_at() = events::ToProto(clock_());
    *event.mutable_actor() = actor;
    event.set_correlation_id(request_id);
    v1::PersonalDataErased* p = event.mutable_personal_data_erased();
    for (const std::string& id : to_record) p->add_key_ids(id);
    p->set_reason(reason);
    p->set_note(note);
    auto after = cases::ApplyEvent(before, event);
    if (!after.ok()) return after.status();
    auto claim = claims_->Claim(event, *after, request_id);
    if (!claim.ok()) return claim.status();
    absl::StatusOr<CommandResult> done = absl::InternalError("unreachable");
    switch (claim->outcome) {
      case ClaimOutcome::kReplay:
        done = Replay(*std::move(claim->holder));
        break;
      case ClaimOutcome::kTaken:
        continue;
      case ClaimOutcome::kClaimed:
        done = Complete(VersionClaim{event, *std::move(after), false, clock_()}, /*abandoned=*/false, &*current);
        break;
    }
    if (!done.ok()) return done.status();
    if (!done->event.has_personal_data_erased()) continue;  // The request id's earlier outcome was another event.
    result.version = done->event.case_version();
    // A replayed request recorded its erasure earlier; anything still sealed is recorded on the next round.
    if (SealedKeys(done->after, to_record).empty()) return result;
    current = std::optional<v1::Case>(done->after);
  }
  return absl::AbortedError(absl::StrCat("case ", case_id, " kept changing while its erasure was recorded; the keys ",
                                         "are erased, repeat the erasure to record it"));
}

std::string CaseCommands::TakenBy(const std::string& case_id, int64_t version) {
  auto holder = claims_->Get(case_id, version);
  if (!holder.ok() || !holder->has_value()) return "";
  return absl::StrCat("; version ", version, " was taken by ", Describe((*holder)->event));
}

absl::StatusOr<int> CaseCommands::ResolvePending() {
  auto pending = claims_->TakePending(clock_() - settle_after_, absl::Seconds(10), 100);
  if (!pending.ok()) return pending.status();
  int confirmed = 0;
  for (VersionClaim& claim : *pending) {
    std::string case_id = claim.event.case_id();
    int64_t version = claim.event.case_version();
    auto done = Complete(std::move(claim), /*abandoned=*/true);
    if (!done.ok()) {
      spdlog::warn("msg=pending_claim_not_settled case_id={} version={} error={}", case_id, version,
                   log::Quote(done.status().ToString()));
      continue;
    }
    spdlog::info("msg=pending_claim_settled case_id={} version={}", case_id, version);
    ++confirmed;
  }
  return confirmed;
}

}  // namespace gridcase::dispatch
