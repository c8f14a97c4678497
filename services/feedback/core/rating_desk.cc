#include "services/feedback/core/rating_desk.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/events/proto_time.h"
#include "libs/validation/field_error.h"
#include "libs/validation/key_part.h"
#include "libs/validation/utf8.h"
#include "services/feedback/core/rating_code.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

constexpr int kMaxCommentChars = 500;
constexpr int kAttempts = 6;

bool Retry(const absl::Status& s) { return absl::IsAborted(s) || absl::IsFailedPrecondition(s); }

bool Unresolved(v1::CaseStatus s) {
  return s == v1::CASE_STATUS_SUBMITTED || s == v1::CASE_STATUS_AWAITING_COMMUNITY ||
         s == v1::CASE_STATUS_HANDLING_LOCALLY || s == v1::CASE_STATUS_AWAITING_DISPATCH ||
         s == v1::CASE_STATUS_DISPATCHED || s == v1::CASE_STATUS_IN_PROGRESS;
}

bool Answer(v1::Satisfaction s) {
  return s == v1::SATISFACTION_SATISFIED || s == v1::SATISFACTION_BASICALLY || s == v1::SATISFACTION_DISSATISFIED;
}

}  // namespace

std::string SettleMember(const std::string& case_id, int cycle) { return absl::StrCat("rate|", case_id, "|", cycle); }
std::string EscalationMember(const std::string& case_id, int cycle) {
  return absl::StrCat("esc|", case_id, "|", cycle);
}

std::optional<ScheduleMember> ParseScheduleMember(const std::string& member) {
  std::vector<std::string> parts = absl::StrSplit(member, '|');
  ScheduleMember out;
  if (parts.size() != 3 || parts[1].empty() || !absl::SimpleAtoi(parts[2], &out.cycle) || out.cycle < 1) {
    return std::nullopt;
  }
  if (parts[0] == "rate") {
    out.kind = ScheduleMember::Kind::kSettle;
  } else if (parts[0] == "esc") {
    out.kind = ScheduleMember::Kind::kEscalate;
  } else {
    return std::nullopt;
  }
  out.case_id = parts[1];
  return out;
}

std::optional<v1::ResidentRated> RatingOf(const std::vector<v1::CaseEvent>& timeline, int cycle) {
  std::optional<v1::ResidentRated> rating;
  for (const v1::CaseEvent& e : timeline) {
    if (e.has_resident_rated() && e.resident_rated().cycle() == cycle) rating = e.resident_rated();
  }
  return rating;
}

std::string ReopenReason(int cycle, const std::string& comment) {
  std::string reason = absl::StrCat("群众评价不满意（第", cycle, "轮办理）");
  if (!comment.empty()) absl::StrAppend(&reason, "：", comment);
  return reason;
}

RatingDesk::RatingDesk(RatingStore* store, CaseCommander* dispatch, RatingPolicy policy,
                       std::function<absl::Time()> now, std::function<std::string()> new_code)
    : store_(store), dispatch_(dispatch), policy_(policy), now_(std::move(now)), new_code_(std::move(new_code)) {}

absl::StatusOr<v1::Case> RatingDesk::Command(const v1::Case& c, v1::CaseCommandRequest request) {
  request.set_case_id(c.id());
  request.set_expected_version(c.version());
  request.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  request.mutable_actor()->set_unit_code(kFeedbackUnit);
  request.mutable_actor()->set_person_id(kFeedbackUnit);
  request.set_request_id(absl::StrCat(kFeedbackUnit, ":", c.id(), ":", c.version()));
  return dispatch_->Execute(std::move(request));
}

absl::StatusOr<IssuedCode> RatingDesk::IssueCode(const std::string& case_id) {
  if (absl::Status s = validation::CheckKeyPart("case_id", case_id); !s.ok()) return s;
  auto c = dispatch_->GetCase(case_id);
  if (!c.ok()) return c.status();
  if (c->status() != v1::CASE_STATUS_RESOLVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", case_id, " is in state ", v1::CaseStatus_Name(c->status()), ", not awaiting a rating"));
  }
  auto slot = store_->LoadSlot(case_id);
  if (!slot.ok()) return slot.status();
  if (!slot->has_value() || (*slot)->cycle < c->cycle()) {
    auto timeline = dispatch_->Timeline(case_id);
    if (!timeline.ok()) return timeline.status();
    std::optional<absl::Time> resolved_at;
    for (const v1::CaseEvent& e : *timeline) {
      if (e.has_resolved()) resolved_at = events::FromProto(e.occurred_at());
    }
    if (!resolved_at.has_value()) {
      return absl::UnavailableError(absl::StrCat("case ", case_id, ": resolution not in the timeline yet"));
    }
    SlotOpening opening{case_id, c->cycle(), *resolved_at, *resolved_at + policy_.window, c->holder_unit()};
    if (absl::Status s = store_->OpenSlot(opening, now_()); !s.ok()) return s;
    slot = store_->LoadSlot(case_id);
    if (!slot.ok()) return slot.status();
  }
  if (!slot->has_value() || (*slot)->cycle != c->cycle()) {
    return absl::UnavailableError(absl::StrCat("case ", case_id, ": rating slot not ready, retry"));
  }
  const RatingSlot& s = **slot;
  if (s.state == RatingSlot::State::kClaimed) {
    return absl::FailedPreconditionError(absl::StrCat("case ", case_id, " was rated already for cycle ", s.cycle));
  }
  if (s.state == RatingSlot::State::kExpired || now_() >= s.deadline) {
    return absl::FailedPreconditionError(
        absl::StrCat("the rating window of case ", case_id, " closed at ", absl::FormatTime(s.deadline)));
  }
  std::string code = new_code_();
  auto set = store_->SetCode(case_id, s.cycle, HashRatingCode(case_id, code));
  if (!set.ok()) return set.status();
  if (!*set) return absl::FailedPreconditionError(absl::StrCat("case ", case_id, " is no longer awaiting a rating"));
  return IssuedCode{case_id, s.cycle, std::move(code), s.deadline};
}

absl::StatusOr<v1::RateCaseResponse> RatingDesk::Rate(const v1::RateCaseRequest& request) {
  if (absl::Status s = validation::CheckKeyPart("case_id", request.case_id()); !s.ok()) return s;
  std::string code = NormalizeRatingCode(request.rating_code());
  if (code.empty()) return validation::FieldError("rating_code", "must not be empty");
  if (code.size() > 32) return validation::FieldError("rating_code", "is not a rating code");
  if (!Answer(request.satisfaction())) {
    return validation::FieldError("satisfaction",
                              "must be SATISFIED (满意), BASICALLY (基本满意) or DISSATISFIED (不满意)");
  }
  std::optional<size_t> chars = validation::Utf8Length(request.comment());
  if (!chars.has_value()) return validation::FieldError("comment", "is not valid UTF-8");
  if (*chars > kMaxCommentChars) {
    return validation::FieldError("comment", absl::StrCat("must be at most ", kMaxCommentChars, " characters"));
  }
  const absl::Time now = now_();
  GivenRating given{request.satisfaction(), request.problem_solved(), request.comment()};
  auto claim = store_->Claim(request.case_id(), HashRatingCode(request.case_id(), code), given, now,
                             now + policy_.settle_retry, policy_.max_code_attempts);
  if (!claim.ok()) return claim.status();
  const auto [result, cycle] = *claim;
  switch (result) {
    case ClaimResult::kWrongCode:
      return absl::PermissionDeniedError(
          absl::StrCat("rating_code: not a valid rating code for case ", request.case_id()));
    case ClaimResult::kRatedAlready:
      return absl::FailedPreconditionError(
          absl::StrCat("case ", request.case_id(), " was rated already for this closure (cycle ", cycle, ")"));
    case ClaimResult::kWindowClosed:
      return absl::FailedPreconditionError(
          absl::StrCat("the rating window of case ", request.case_id(), " (cycle ", cycle, ") is over"));
    case ClaimResult::kClaimed:
      break;
  }
  v1::RateCaseResponse response;
  response.set_cycle(cycle);
  auto settled = Settle(request.case_id(), cycle);
  if (!settled.ok()) {
    // The rating is stored; the settle loop carries it out at recheck time.
    response.set_queued(true);
    response.set_status(v1::CASE_STATUS_RESOLVED);
    response.set_reopened(request.satisfaction() == v1::SATISFACTION_DISSATISFIED);
    return response;
  }
  if (settled->kind == Settlement::Kind::kNotAwaiting && !settled->rated) {
    return absl::FailedPreconditionError(absl::StrCat("case ", request.case_id(), " is in state ",
                                                      v1::CaseStatus_Name(settled->after.status()),
                                                      ", no longer awaiting the rating of cycle ", cycle));
  }
  response.set_status(settled->after.status());
  response.set_reopened(settled->kind == Settlement::Kind::kReopened ||
                        (settled->after.cycle() > cycle && request.satisfaction() == v1::SATISFACTION_DISSATISFIED));
  response.set_escalated(settled->escalated);
  response.set_queued(settled->kind == Settlement::Kind::kWaiting);
  return response;
}

absl::StatusOr<Settlement> RatingDesk::FollowUp(const v1::Case& c, v1::Satisfaction satisfaction,
                                                const std::string& comment) {
  Settlement out;
  out.rated = true;
  v1::CaseCommandRequest request;
  if (satisfaction == v1::SATISFACTION_DISSATISFIED) {
    request.mutable_reopen()->set_reason(ReopenReason(c.cycle(), comment));
    auto reopened = Command(c, request);
    if (!reopened.ok()) return reopened.status();
    out.kind = Settlement::Kind::kReopened;
    out.after = *reopened;
    if (c.reopen_count() >= policy_.max_reopens) {
      v1::CaseCommandRequest escalate;
      escalate.mutable_escalate()->set_reason(
          absl::StrCat("群众第", c.reopen_count() + 1, "次不满意，超过重办上限", policy_.max_reopens, "次，提级督办"));
      auto escalated = Command(*reopened, escalate);
      if (escalated.ok()) {
        out.escalated = true;
        out.after = *escalated;
      }
      // Otherwise EnsureEscalated (scheduled when the reopen is recorded) tries again, or finds no rung above.
    }
    return out;
  }
  v1::CaseClosed::Reason reason =
      Answer(satisfaction) ? v1::CaseClosed::REASON_RATED : v1::CaseClosed::REASON_NOT_RATED;
  request.mutable_close()->set_reason(reason);
  request.mutable_close()->set_note(reason == v1::CaseClosed::REASON_RATED ? "群众已评价" : "评价期内未评价");
  auto closed = Command(c, request);
  if (!closed.ok()) return closed.status();
  out.kind = Settlement::Kind::kClosed;
  out.after = *closed;
  return out;
}

absl::StatusOr<Settlement> RatingDesk::Settle(const std::string& case_id, int cycle) {
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto slot = store_->LoadSlot(case_id);
    if (!slot.ok()) return slot.status();
    auto c = dispatch_->GetCase(case_id);
    if (!c.ok()) return c.status();
    auto timeline = dispatch_->Timeline(case_id);
    if (!timeline.ok()) return timeline.status();
    std::optional<v1::ResidentRated> rating = RatingOf(*timeline, cycle);
    if (c->status() != v1::CASE_STATUS_RESOLVED || c->cycle() != cycle) {
      Settlement out;
      out.kind = Settlement::Kind::kNotAwaiting;
      out.rated = rating.has_value();
      out.after = *c;
      return out;
    }
    absl::StatusOr<Settlement> done = absl::UnknownError("unset");
    if (rating.has_value()) {
      done = FollowUp(*c, rating->satisfaction(), rating->comment());
    } else {
      const bool ours = slot->has_value() && (*slot)->cycle == cycle;
      if (!ours) {
        Settlement out;
        out.kind = Settlement::Kind::kWaiting;  // The slot opens when the resolution is recorded; it reschedules.
        out.after = *c;
        return out;
      }
      const RatingSlot& s = **slot;
      if (s.state == RatingSlot::State::kClaimed) {
        v1::CaseCommandRequest rate;
        rate.mutable_rate()->set_satisfaction(s.satisfaction);
        rate.mutable_rate()->set_problem_solved(s.problem_solved);
        rate.mutable_rate()->set_comment(s.comment);
        auto rated = Command(*c, rate);
        if (rated.ok()) {
          done = FollowUp(*rated, s.satisfaction, s.comment);
        } else {
          done = rated.status();
        }
      } else if (s.state == RatingSlot::State::kExpired) {
        done = FollowUp(*c, v1::SATISFACTION_NOT_RATED, "");
      } else if (now_() >= s.deadline) {
        auto expired = store_->Expire(case_id, cycle, now_());
        if (!expired.ok()) return expired.status();
        continue;  // Expired now, or claimed meanwhile: read again.
      } else {
        Settlement out;
        out.kind = Settlement::Kind::kWaiting;
        out.recheck_at = s.deadline;
        out.after = *c;
        return out;
      }
    }
    if (done.ok()) return done;
    if (!Retry(done.status())) return done.status();
    last = done.status();
  }
  return absl::UnavailableError(
      absl::StrCat("case ", case_id, " kept changing while its rating was settled: ", last.message()));
}

absl::StatusOr<bool> RatingDesk::EnsureEscalated(const std::string& case_id, int cycle) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto c = dispatch_->GetCase(case_id);
    if (!c.ok()) return c.status();
    if (c->cycle() != cycle || !Unresolved(c->status()) || c->reopen_count() <= policy_.max_reopens) return false;
    auto timeline = dispatch_->Timeline(case_id);
    if (!timeline.ok()) return timeline.status();
    int64_t reopened_version = 0;
    bool by_feedback = false;
    for (const v1::CaseEvent& e : *timeline) {
      if (e.has_reopened() && e.reopened().cycle() == cycle) {
        reopened_version = e.case_version();
        by_feedback = e.actor().unit_code() == kFeedbackUnit;
      }
    }
    if (reopened_version == 0 || !by_feedback) return false;
    for (const v1::CaseEvent& e : *timeline) {
      if (e.has_escalated() && e.case_version() > reopened_version) return false;
    }
    v1::CaseCommandRequest escalate;
    escalate.mutable_escalate()->set_reason(
        absl::StrCat("群众第", c->reopen_count(), "次不满意，超过重办上限", policy_.max_reopens, "次，提级督办"));
    auto escalated = Command(*c, escalate);
    if (escalated.ok()) return true;
    if (absl::IsAborted(escalated.status())) continue;
    if (absl::IsFailedPrecondition(escalated.status())) return false;  // Top of the ladder.
    return escalated.status();
  }
  return absl::UnavailableError(absl::StrCat("case ", case_id, " kept changing while it was escalated"));
}

absl::StatusOr<std::optional<absl::Time>> RatingDesk::RunScheduled(const std::string& member) {
  std::optional<ScheduleMember> parsed = ParseScheduleMember(member);
  if (!parsed.has_value()) return std::nullopt;  // Not ours to run: drop it.
  if (parsed->kind == ScheduleMember::Kind::kEscalate) {
    auto escalated = EnsureEscalated(parsed->case_id, parsed->cycle);
    if (!escalated.ok()) return escalated.status();
    return std::nullopt;
  }
  auto settled = Settle(parsed->case_id, parsed->cycle);
  if (!settled.ok()) {
    if (absl::IsNotFound(settled.status())) return std::nullopt;
    return settled.status();
  }
  if (settled->kind == Settlement::Kind::kWaiting && settled->recheck_at.has_value()) return settled->recheck_at;
  return std::nullopt;
}

}  // namespace gridcase::feedback
