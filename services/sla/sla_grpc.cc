#include "services/sla/sla_grpc.h"

#include <algorithm>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/access/masking.h"
#include "libs/access/read_scope.h"
#include "libs/events/proto_time.h"
#include "libs/server/call_auth.h"
#include "libs/server/grpc_status.h"
#include "libs/validation/key_part.h"

namespace gridcase::sla {
namespace {

using server::FieldError;

// Due-index entries examined per call at most: a filter that matches little returns a short page with a token.
constexpr int kMaxScanned = 5000;
constexpr int kScanBatch = 200;
constexpr absl::Duration kMaxLateness = absl::Hours(24 * 3650);

struct PageToken {
  int64_t due_ms = 0;
  std::string member;
};

std::string EncodeToken(const PageToken& token) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1|", token.due_ms, "|", token.member));
}

absl::StatusOr<std::optional<PageToken>> DecodeToken(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string raw;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(text, &raw)) parts = absl::StrSplit(raw, absl::MaxSplits('|', 2));
  PageToken token;
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &token.due_ms) || parts[2].empty()) {
    return FieldError("page_token", "is not a token returned by ListOverdue");
  }
  token.member = parts[2];
  return token;
}

absl::Status ValidateListRequest(const v1::ListOverdueRequest& request) {
  if (absl::Status status = ValidateArea(request.area(), "area"); !status.ok()) return status;
  if (!v1::Level_IsValid(request.level())) return FieldError("level", "unknown level");
  if (!v1::Category_IsValid(request.category())) return FieldError("category", "unknown category");
  if (!v1::ClockKind_IsValid(request.clock())) return FieldError("clock", "unknown clock kind");
  const google::protobuf::Duration& lateness = request.min_lateness();
  if (lateness.seconds() < 0 || lateness.nanos() < 0 || lateness.nanos() > 999999999 ||
      absl::Seconds(lateness.seconds()) > kMaxLateness) {
    return FieldError("min_lateness", "must be within 0..3650 days");
  }
  if (request.page_size() < 0 || request.page_size() > SlaGrpc::kMaxPageSize) {
    return FieldError("page_size", absl::StrCat("must be within 0..", SlaGrpc::kMaxPageSize));
  }
  return absl::OkStatus();
}

// The case an alert concerns, as far as the read table needs it: where it is and who holds it.
v1::Case CaseOfAlert(const v1::SlaAlert& alert) {
  v1::Case c;
  c.set_id(alert.case_id());
  *c.mutable_location() = alert.location();
  c.set_holder_unit(alert.holder_unit());
  return c;
}

}  // namespace

absl::StatusOr<v1::CaseClocks> SlaGrpc::ReadCaseClocks(const access::Caller& caller,
                                                       const v1::GetCaseClocksRequest& request) {
  if (absl::Status s = validation::CheckKeyPart("case_id", request.case_id()); !s.ok()) return s;
  absl::StatusOr<StoredCase> stored = cases_->Load(request.case_id());
  if (!stored.ok()) return stored.status();
  if (stored->version == 0) {
    return absl::NotFoundError(
        absl::StrCat("case ", request.case_id(), " has no clocks (not seen by the SLA service)"));
  }
  if (absl::Status s = access::CheckCanRead(caller, stored->state.case_()); !s.ok()) return s;
  const absl::Time now = now_();
  v1::CaseClocks clocks;
  clocks.set_case_id(request.case_id());
  *clocks.mutable_read_at() = events::ToProto(now);
  clocks.set_case_version(stored->version);
  for (const v1::SlaClockRecord& record : stored->state.clocks()) *clocks.add_clocks() = planner_->Read(record, now);
  return clocks;
}

absl::StatusOr<v1::ListOverdueResponse> SlaGrpc::ReadOverdue(const access::Caller& caller,
                                                               const v1::ListOverdueRequest& request) {
  if (absl::Status status = ValidateListRequest(request); !status.ok()) return status;
  absl::StatusOr<std::optional<PageToken>> token = DecodeToken(request.page_token());
  if (!token.ok()) return token.status();
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const absl::Time now = now_();
  const absl::Duration min_lateness = events::FromProtoDuration(request.min_lateness());
  const absl::Time until = now - min_lateness;
  const absl::Time from = token->has_value() ? absl::FromUnixMillis((*token)->due_ms) : absl::InfinitePast();

  v1::ListOverdueResponse response;
  int scanned = 0;
  int offset = 0;
  while (true) {
    absl::StatusOr<std::vector<std::pair<std::string, absl::Time>>> batch =
        due_->Range(from, until, offset, kScanBatch);
    if (!batch.ok()) return batch.status();
    offset += static_cast<int>(batch->size());
    // Parse the entries past the token, then load their cases in one round trip.
    struct Candidate {
      std::string member;
      int64_t due_ms;
      std::string case_id;
      std::string clock_id;
      int cycle = 0;
    };
    std::vector<Candidate> candidates;
    std::vector<std::string> case_ids;
    for (const auto& [member, due] : *batch) {
      const int64_t due_ms = absl::ToUnixMillis(due);
      if (token->has_value() && due_ms == (*token)->due_ms && member <= (*token)->member) continue;
      std::vector<std::string> parts = absl::StrSplit(member, '|');
      Candidate candidate{member, due_ms};
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[2], &candidate.cycle)) continue;
      candidate.case_id = parts[0];
      candidate.clock_id = parts[1];
      case_ids.push_back(candidate.case_id);
      candidates.push_back(std::move(candidate));
    }
    absl::StatusOr<std::vector<std::optional<v1::SlaCaseState>>> states = cases_->LoadStates(case_ids);
    if (!states.ok()) return states.status();
    for (size_t i = 0; i < candidates.size(); ++i) {
      const Candidate& candidate = candidates[i];
      ++scanned;
      const std::optional<v1::SlaCaseState>& state = (*states)[i];
      const v1::SlaClockRecord* record =
          state.has_value() ? FindClock(*state, candidate.clock_id, candidate.cycle) : nullptr;
      bool listed = false;
      if (record != nullptr) {
        const v1::Case& c = state->case_();
        const v1::CaseClock reading = planner_->Read(*record, now);
        listed = !reading.stopped() && reading.breached() &&
                 (request.clock() == v1::CLOCK_KIND_UNSPECIFIED || request.clock() == record->kind()) &&
                 (request.level() == v1::LEVEL_UNSPECIFIED || request.level() == c.level()) &&
                 (request.category() == v1::CATEGORY_UNSPECIFIED || request.category() == c.category()) &&
                 InArea(request.area(), c) && events::FromProto(reading.due_at()) <= until &&
                 access::CaseVisibility(caller, c) != access::Visibility::kNone;
        if (listed) {
          v1::OverdueClock* out = response.add_clocks();
          out->set_case_id(c.id());
          out->set_clock(record->kind());
          out->set_clock_id(record->id());
          out->set_cycle(record->cycle());
          *out->mutable_due_at() = reading.due_at();
          *out->mutable_late_by() = events::ToProtoDuration(now - events::FromProto(reading.due_at()));
          *out->mutable_overdue_working() =
              events::ToProtoDuration(std::max(absl::ZeroDuration(), -events::FromProtoDuration(reading.remaining())));
          out->set_holder_unit(record->kind() == v1::CLOCK_KIND_SIGN_OFF ? record->holder_unit() : c.holder_unit());
          out->set_level(c.level());
          out->set_category(c.category());
          out->set_emergency(c.emergency());
          out->set_status(c.status());
          *out->mutable_location() = c.location();
          out->set_title(c.title());
          if (access::CaseVisibility(caller, c) != access::Visibility::kFull) {
            access::MaskLocation(*out->mutable_location());
            out->set_title(access::MaskNumbersInText(c.title()));
          }
          out->set_paused(reading.paused());
        }
      }
      const bool page_full = response.clocks_size() >= page_size;
      if (page_full || scanned >= kMaxScanned) {
        const bool more = i + 1 < candidates.size() || static_cast<int>(batch->size()) == kScanBatch;
        if (more) response.set_next_page_token(EncodeToken({candidate.due_ms, candidate.member}));
        return response;
      }
    }
    if (static_cast<int>(batch->size()) < kScanBatch) return response;
  }
}

grpc::Status SlaGrpc::GetCaseClocks(grpc::ServerContext* context, const v1::GetCaseClocksRequest* request,
                                    v1::CaseClocks* response) {
  std::shared_ptr<server::Call> call = server::CallOf(context);
  call->AddCase(request->case_id());
  auto caller = call->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  absl::StatusOr<v1::CaseClocks> clocks = ReadCaseClocks(*caller, *request);
  if (!clocks.ok()) return server::ToGrpcStatus(clocks.status());
  *response = *std::move(clocks);
  return grpc::Status::OK;
}

grpc::Status SlaGrpc::ListOverdue(grpc::ServerContext* context, const v1::ListOverdueRequest* request,
                                  v1::ListOverdueResponse* response) {
  auto caller = server::CallOf(context)->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  absl::StatusOr<v1::ListOverdueResponse> listed = ReadOverdue(*caller, *request);
  if (!listed.ok()) return server::ToGrpcStatus(listed.status());
  *response = *std::move(listed);
  return grpc::Status::OK;
}

grpc::Status SlaGrpc::WatchOverdue(grpc::ServerContext* context, const v1::WatchOverdueRequest* request,
                                   grpc::ServerWriter<v1::SlaAlert>* writer) {
  auto caller = server::CallOf(context)->caller();
  if (!caller.ok()) return server::ToGrpcStatus(caller.status());
  if (absl::Status status = ValidateArea(request->area(), "area"); !status.ok()) {
    return server::ToGrpcStatus(status);
  }
  std::shared_ptr<AlertBroadcaster::Subscription> subscription =
      broadcaster_->Subscribe(request->area(), request->breaches_only());
  // Tells the caller the watch is registered: alerts fired from now on reach it.
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    std::optional<v1::SlaAlert> alert = subscription->Next(absl::Milliseconds(200));
    if (alert.has_value()) {
      // Only alerts about cases the caller may see, located no more exactly than it may see them.
      access::Visibility visibility = access::CaseVisibility(*caller, CaseOfAlert(*alert));
      if (visibility == access::Visibility::kNone) continue;
      if (visibility != access::Visibility::kFull) {
        access::MaskLocation(*alert->mutable_location());
        alert->set_title(access::MaskNumbersInText(alert->title()));
      }
      if (!writer->Write(*alert)) return grpc::Status::OK;  // The caller went away.
      continue;
    }
    if (absl::Status status = subscription->status(); !status.ok()) return server::ToGrpcStatus(status);
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "the caller cancelled the watch");
}

}  // namespace gridcase::sla
