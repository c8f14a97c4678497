#include "services/intake/core/intake.h"

#include <cmath>

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/events/proto_time.h"
#include "libs/faults/crash_point.h"
#include "libs/log/log.h"
#include "libs/validation/field_error.h"
#include "libs/validation/key_part.h"
#include "services/intake/core/case_day.h"
#include "services/intake/core/submission_fingerprint.h"
#include "services/intake/core/text_rules.h"
#include "spdlog/spdlog.h"

namespace gridcase::intake {
namespace {

using events::ToProto;
using validation::FieldError;

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// A waiter's pauses between looks at the owner's progress: short first (owners usually finish in milliseconds).
constexpr absl::Duration kFirstPause = absl::Milliseconds(2);
constexpr absl::Duration kLongestPause = absl::Milliseconds(50);
constexpr absl::Duration kWaitBeyondLease = absl::Seconds(1);

std::string NewOwnerToken() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits), absl::Uniform<uint64_t>(bits));
}

// Dispatch answered that it did not (and will not) add the co-requester; any other error leaves it unknown.
bool RefusedForSure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

// The answer to a submission that opened `event`'s case.
v1::SubmitCaseResponse Answer(const v1::CaseEvent& event, bool repeat) {
  const v1::Case& submitted = event.submitted().initial();
  v1::SubmitCaseResponse response;
  response.set_case_id(submitted.id());
  response.set_duplicate_submit(repeat);
  response.set_grid_code(submitted.location().grid_code());
  response.set_needs_manual_grid(submitted.location().needs_manual_grid());
  response.set_suggested_category(submitted.category());
  response.set_emergency(submitted.emergency());
  if (submitted.has_due_at()) *response.mutable_expected_at() = submitted.due_at();
  response.set_suggested_catalogue_item(submitted.catalogue_item());
  *response.mutable_classification() = submitted.classification();
  response.set_locate_method(submitted.location().locate_method());
  response.set_matched_place(submitted.location().matched_place());
  return response;
}

// The answer to a repeat of a submission linked to an open case.
v1::SubmitCaseResponse LinkedAnswer(const Reservation& reservation) {
  v1::SubmitCaseResponse response;
  if (reservation.linked_answer.has_value()) {
    response = *reservation.linked_answer;
  } else {
    response.set_case_id(reservation.linked_to);
    response.set_linked_to_case_id(reservation.linked_to);
  }
  response.set_duplicate_submit(!reservation.fresh);
  return response;
}

}  // namespace

absl::Status ValidateSubmission(const v1::SubmitCaseRequest& request) {
  if (absl::Status s = validation::CheckKeyPart("idempotency_key", request.idempotency_key()); !s.ok()) return s;
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
  if (request.media_urls_size() > kMaxMediaUrls) {
    return FieldError("media_urls", absl::StrCat("at most ", kMaxMediaUrls, " URLs"));
  }
  for (int i = 0; i < request.media_urls_size(); ++i) {
    const std::string& url = request.media_urls(i);
    if (url.size() > 1024 || !IsPrintableAscii(url) ||
        !(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://")) ||
        url.find("://") + 3 == url.size()) {
      return FieldError(absl::StrCat("media_urls[", i, "]"),
                        "must be an http(s) URL of at most 1024 printable ASCII characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSubmitter(const v1::Actor& submitter, v1::Channel channel) {
  bool allowed = false;
  switch (submitter.role()) {
    case v1::ROLE_HOTLINE_OPERATOR:
      allowed = channel == v1::CHANNEL_HOTLINE_12345;
      break;
    case v1::ROLE_GRID_WORKER:
      allowed = channel == v1::CHANNEL_GRID_PATROL;
      break;
    case v1::ROLE_SYSTEM:
      allowed = channel == v1::CHANNEL_APP || channel == v1::CHANNEL_OPEN311;
      break;
    default:
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "channel: ", v1::Role_Name(submitter.role()), " may not submit on ", v1::Channel_Name(channel),
      " (hotline operators submit 12345 calls, grid workers patrol reports, the app and Open311 front ends their "
      "channels)"));
}

absl::StatusOr<v1::CaseEvent> Intake::BuildSubmitted(const v1::SubmitCaseRequest& request, const v1::Actor& submitter,
                                     const std::string& case_id,
                                     const registry::Location& location, const Classification& classification,
                                     absl::Time now) {
  v1::CaseEvent event;
  event.set_event_id(absl::StrCat(case_id, "/1"));
  event.set_case_id(case_id);
  event.set_case_version(1);
  *event.mutable_occurred_at() = ToProto(now);
  *event.mutable_actor() = submitter;
  event.set_correlation_id(request.idempotency_key());
  v1::Case* c = event.mutable_submitted()->mutable_initial();
  c->set_id(case_id);
  if (submitter.role() != v1::ROLE_SYSTEM) c->set_intake_unit(submitter.unit_code());
  c->set_channel(request.channel());
  if (parts_.personal_data != nullptr && request.has_resident()) {
    // Nothing of the resident leaves this process in clear: the saved event, the log and every projection hold the
    // sealed form only.
    auto sealed = parts_.personal_data->Seal(case_id, request.resident());
    if (!sealed.ok()) return sealed.status();
    *c->mutable_resident() = *std::move(sealed);
  } else {
    *c->mutable_resident() = request.resident();
  }
  c->set_title(request.title());
  c->set_text(request.text());
  *c->mutable_media_urls() = request.media_urls();
  if (request.has_point()) *c->mutable_location()->mutable_point() = request.point();
  c->mutable_location()->set_address(request.address());
  location.ApplyTo(c->mutable_location());
  c->set_catalogue_item(classification.catalogue_item);
  c->set_category(classification.category);
  c->set_category_suggested(true);
  c->set_emergency(classification.emergency);
  *c->mutable_classification() = classification.explanation;
  c->set_status(v1::CASE_STATUS_SUBMITTED);
  c->set_level(v1::LEVEL_GRID);
  c->set_version(1);
  c->set_cycle(1);
  *c->mutable_created_at() = ToProto(now);
  *c->mutable_updated_at() = ToProto(now);
  c->set_idempotency_key(request.idempotency_key());
  if (parts_.planner) {
    if (std::optional<absl::Time> due = parts_.planner(classification.category, classification.emergency, now)) {
      *c->mutable_due_at() = ToProto(*due);
    }
  }
  return event;
}

absl::StatusOr<std::optional<std::string>> Intake::FindDuplicate(const registry::Location& location,
                                                                 const Classification& classification,
                                                                 const v1::SubmitCaseRequest& request,
                                                                 absl::Time now) {
  if (parts_.recent == nullptr || parts_.linker == nullptr) return std::nullopt;
  if (location.grid_code.empty() || classification.catalogue_item.empty()) return std::nullopt;
  auto recent = parts_.recent->Since(location.grid_code, classification.catalogue_item, now - parts_.duplicates.window);
  if (!recent.ok()) return recent.status();
  std::string text = absl::StrCat(request.title(), request.text());
  for (const RecentCases::Entry& entry : *recent) {
    if (TextSimilarity(text, entry.text) < parts_.duplicates.min_similarity) continue;
    auto open = parts_.reader->GetCase(entry.case_id);
    if (!open.ok()) return open.status();
    if (open->has_value()) {
      v1::CaseStatus status = (*open)->status();
      if (status == v1::CASE_STATUS_CLOSED || status == v1::CASE_STATUS_INVALID ||
          status == v1::CASE_STATUS_DUPLICATE || status == v1::CASE_STATUS_RESOLVED) {
        continue;
      }
    }
    return entry.case_id;
  }
  return std::nullopt;
}

absl::StatusOr<v1::SubmitCaseResponse> Intake::Submit(const v1::SubmitCaseRequest& request,
                                                      const v1::Actor& submitter) {
  if (absl::Status s = ValidateSubmission(request); !s.ok()) return s;
  if (absl::Status s = CheckSubmitter(submitter, request.channel()); !s.ok()) return s;
  std::shared_ptr<const registry::OrgRegistry> registry = parts_.registry->Get();
  registry::Location location = registry->Locate(request.has_point() ? &request.point() : nullptr, request.address());
  auto classification =
      parts_.classifier->Classify(*registry, request.title(), request.text(), request.catalogue_item(), location);
  if (!classification.ok()) return classification.status();

  absl::Time now = parts_.clock();
  SubmissionClaim claim{.channel = request.channel(),
                        .idempotency_key = request.idempotency_key(),
                        .day = ShanghaiDay(now),
                        .fingerprint = SubmissionFingerprint(request, parts_.personal_data),
                        .owner = NewOwnerToken(),
                        .lease = parts_.submit_lease};
  // A live owner normally finishes within milliseconds; one that died is taken over when its lease runs out.
  absl::Time give_up = now + parts_.submit_lease + kWaitBeyondLease;
  absl::Duration pause = kFirstPause;
  while (true) {
    auto reservation = parts_.store->Reserve(claim);
    if (!reservation.ok()) return reservation.status();
    switch (reservation->state) {
      case Reservation::State::kConflict:
        return absl::AlreadyExistsError(absl::StrCat("idempotency_key: ", request.idempotency_key(),
                                                     " was already used for a different request (case ",
                                                     reservation->case_id, ")"));
      case Reservation::State::kLinked:
        return LinkedAnswer(*reservation);
      case Reservation::State::kPublished:
        if (reservation->saved_event.has_value()) return Answer(*reservation->saved_event, !reservation->fresh);
        return absl::DataLossError(absl::StrCat("submission of ", reservation->case_id, " lost its event"));
      case Reservation::State::kPending:
        break;
    }
    if (reservation->owned) {
      auto decided = Decide(request, submitter, claim, *reservation, location, *classification, now);
      // ABORTED: the lease ran out meanwhile and another attempt owns the key now; follow its outcome.
      if (decided.ok() || decided.status().code() != absl::StatusCode::kAborted) return decided;
    }
    if (parts_.clock() >= give_up) {
      return absl::UnavailableError(absl::StrCat("case ", reservation->case_id,
                                                 " is being submitted by a concurrent request with this "
                                                 "idempotency_key; retry with the same idempotency_key"));
    }
    Sleep(pause);
    pause = std::min(pause * 2, kLongestPause);
  }
}

absl::StatusOr<v1::SubmitCaseResponse> Intake::Decide(const v1::SubmitCaseRequest& request,
                                                      const v1::Actor& submitter, const SubmissionClaim& claim, const Reservation& reservation,
                                                      const registry::Location& location,
                                                      const Classification& classification, absl::Time now) {
  if (reservation.saved_event.has_value()) return Publish(claim, reservation, *reservation.saved_event, now);
  std::string link_to = reservation.linking_to;
  if (link_to.empty()) {
    auto duplicate = FindDuplicate(location, classification, request, now);
    if (!duplicate.ok()) return Released(claim, duplicate.status());
    if (duplicate->has_value()) {
      link_to = **duplicate;
      if (absl::Status s = parts_.store->RecordLinkIntent(claim, link_to); !s.ok()) return Released(claim, s);
    }
  }
  if (!link_to.empty() && parts_.linker != nullptr) {
    // Dispatch keeps the outcome of a command per request id, so repeating the link after a crash or a timeout adds
    // the co-requester once.
    std::string request_ref = absl::StrCat(v1::Channel_Name(request.channel()), ":", request.idempotency_key());
    auto linked = parts_.linker->AddCoRequester(link_to, request.resident(), request_ref, request.text());
    if (linked.ok()) {
      v1::SubmitCaseResponse response;
      response.set_case_id(link_to);
      response.set_linked_to_case_id(link_to);
      response.set_grid_code(linked->location().grid_code());
      response.set_suggested_category(linked->category());
      response.set_emergency(linked->emergency());
      if (linked->has_due_at()) *response.mutable_expected_at() = linked->due_at();
      if (absl::Status s = parts_.store->MarkLinked(claim, response); !s.ok()) return Released(claim, s);
      response.set_duplicate_submit(!reservation.fresh);
      return response;
    }
    if (!RefusedForSure(linked.status())) {
      // Dispatch may have added the co-requester before the error: only a retry with the same key can tell.
      return Released(claim, absl::UnavailableError(absl::StrCat(
                                 "linking to case ", link_to, " did not complete; retry with the same "
                                 "idempotency_key: ",
                                 linked.status().message())));
    }
    // The open case moved on (closed, changed concurrently): open a case of its own, so the request is never lost.
    spdlog::warn("msg=duplicate_not_linked case_id={} error={}", link_to, log::Quote(linked.status().ToString()));
  }
  auto built = BuildSubmitted(request, submitter, reservation.case_id, location, classification, now);
  if (!built.ok()) return Released(claim, built.status());
  auto saved = parts_.store->SaveEvent(claim, *std::move(built));
  if (!saved.ok()) return saved.status().code() == absl::StatusCode::kAborted ? saved.status()
                                                                              : Released(claim, saved.status());
  return Publish(claim, reservation, *saved, now);
}

absl::StatusOr<v1::SubmitCaseResponse> Intake::Publish(const SubmissionClaim& claim, const Reservation& reservation,
                                                       const v1::CaseEvent& event, absl::Time now) {
  if (absl::Status s = parts_.publisher->Publish(event); !s.ok()) {
    return Released(claim, absl::UnavailableError(absl::StrCat("case ", reservation.case_id,
                                                               " reserved but not yet published; retry with the "
                                                               "same idempotency_key: ",
                                                               s.message())));
  }
  faults::CrashPoint("intake.after_publish");
  if (absl::Status s = parts_.store->MarkPublished(claim, event); !s.ok()) return Released(claim, s);
  const v1::Case& c = event.submitted().initial();
  if (parts_.recent != nullptr && !c.location().grid_code().empty() && !c.catalogue_item().empty()) {
    // Best effort: a lost entry only means a later duplicate opens its own case.
    (void)parts_.recent->Remember(c.location().grid_code(), c.catalogue_item(), c.id(),
                                  absl::StrCat(c.title(), c.text()), now);
  }
  return Answer(event, !reservation.fresh);
}

absl::Status Intake::Released(const SubmissionClaim& claim, absl::Status status) {
  if (absl::Status s = parts_.store->Release(claim); !s.ok()) {
    spdlog::warn("msg=submission_release_failed error={}", log::Quote(s.ToString()));
  }
  return status;
}

void Intake::Sleep(absl::Duration d) {
  if (parts_.sleep) {
    parts_.sleep(d);
  } else {
    absl::SleepFor(d);
  }
}

absl::StatusOr<v1::Case> Intake::GetCase(const std::string& case_id) {
  if (absl::Status s = validation::CheckKeyPart("case_id", case_id); !s.ok()) return s;
  auto projected = parts_.reader->GetCase(case_id);
  if (!projected.ok()) return projected.status();
  if (projected->has_value()) return **projected;
  auto submitted = parts_.store->SubmittedCase(case_id);
  if (!submitted.ok()) return submitted.status();
  if (submitted->has_value()) return **submitted;
  return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
}

absl::StatusOr<v1::ListCasesResponse> Intake::ListCases(const v1::ListCasesRequest& request,
                                                        const std::function<bool(const v1::Case&)>& visible) {
  if (request.page_size() < 0 || request.page_size() > 500) return FieldError("page_size", "must be within 0..500");
  if (request.case_ids_size() > 500) return FieldError("case_ids", "at most 500 ids");
  for (const std::string& id : request.case_ids()) {
    if (absl::Status s = validation::CheckKeyPart("case_ids", id); !s.ok()) return s;
  }
  int64_t offset = 0;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &offset) || offset < 0)) {
    return FieldError("page_token", "is not a token from a previous page");
  }
  absl::Time from = request.has_created_from() ? events::FromProto(request.created_from()) : absl::InfinitePast();
  absl::Time to = request.has_created_to() ? events::FromProto(request.created_to()) : absl::InfiniteFuture();
  if (from > to) return FieldError("created_from", "must not be after created_to");
  auto matches = [&](const v1::Case& c) {
    if (request.status() != v1::CASE_STATUS_UNSPECIFIED && c.status() != request.status()) return false;
    if (!request.grid_code().empty() && c.location().grid_code() != request.grid_code()) return false;
    if (!request.township_code().empty() && c.location().township_code() != request.township_code()) return false;
    if (request.category() != v1::CATEGORY_UNSPECIFIED && c.category() != request.category()) return false;
    if (!request.catalogue_item().empty() && c.catalogue_item() != request.catalogue_item()) return false;
    absl::Time created = events::FromProto(c.created_at());
    return created >= from && created < to && visible(c);
  };
  int64_t page_size = request.page_size() == 0 ? 50 : request.page_size();
  v1::ListCasesResponse response;
  if (request.case_ids_size() > 0) {
    auto cases = parts_.reader->GetMany({request.case_ids().begin(), request.case_ids().end()});
    if (!cases.ok()) return cases.status();
    for (auto& c : *cases) {
      if (matches(c)) *response.add_cases() = std::move(c);
    }
    return response;
  }
  // Scans the creation-time index in batches, filtering, until the page is full, the index ends or this call has
  // read kMaxCasesScanned entries.
  constexpr int64_t kBatch = 500;
  int64_t scanned = 0;
  while (response.cases_size() < page_size && scanned < kMaxCasesScanned) {
    auto batch = parts_.reader->ListCreated(from, to, offset, std::min(kBatch, kMaxCasesScanned - scanned));
    if (!batch.ok()) return batch.status();
    const int64_t asked = std::min(kBatch, kMaxCasesScanned - scanned);
    int64_t used = 0;
    for (auto& c : *batch) {
      ++used;
      if (matches(c)) *response.add_cases() = std::move(c);
      if (response.cases_size() == page_size) break;
    }
    offset += used;
    scanned += used;
    if (static_cast<int64_t>(batch->size()) < asked && used == static_cast<int64_t>(batch->size())) return response;
  }
  response.set_next_page_token(absl::StrCat(offset));
  return response;
}

}  // namespace gridcase::intake
