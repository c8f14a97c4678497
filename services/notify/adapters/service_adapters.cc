#include "services/notify/adapters/service_adapters.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/events/proto_time.h"

namespace gridcase::notify {

absl::StatusOr<RatingCodes::Code> FeedbackRatingCodes::Issue(const std::string& case_id) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::IssueRatingCodeRequest request;
  request.set_case_id(case_id);
  v1::IssueRatingCodeResponse response;
  grpc::Status status = stub_->IssueRatingCode(&context, request, &response);
  if (status.ok()) return Code{response.rating_code(), events::FromProto(response.expires_at())};
  const std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // "case … is in state CASE_STATUS_IN_PROGRESS, not awaiting a rating": feedback does not see the resolution yet.
    const bool closed = absl::StrContains(message, "rated already") || absl::StrContains(message, "rating window") ||
                        absl::StrContains(message, "no longer awaiting") ||
                        absl::StrContains(message, "CASE_STATUS_CLOSED") ||
                        absl::StrContains(message, "CASE_STATUS_INVALID") ||
                        absl::StrContains(message, "CASE_STATUS_DUPLICATE");
    if (closed) return absl::FailedPreconditionError(message);
    return absl::UnavailableError(absl::StrCat("feedback: ", message));
  }
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return absl::UnavailableError("feedback: " + message);
  return absl::UnavailableError(absl::StrCat("feedback IssueRatingCode: ", message));
}

absl::StatusOr<v1::Resident> PrivacyResidentOpener::Open(const std::string& case_id, const v1::Resident& sealed) {
  v1::Resident resident = sealed;
  if (absl::Status s = personal_data_->Open(case_id, resident); !s.ok()) return s;
  return resident;
}

absl::StatusOr<std::string> DirectorySecretSource::Secret(const std::string& ref) {
  if (ref.empty() || ref[0] == '.' || absl::StrContains(ref, "/")) {
    return absl::InvalidArgumentError(absl::StrCat("secret_ref \"", ref, "\" is not a file name"));
  }
  std::ifstream in(absl::StrCat(dir_, "/", ref));
  if (!in) return absl::FailedPreconditionError(absl::StrCat("no secret \"", ref, "\" in the secrets directory"));
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.size() < 16) {
    return absl::FailedPreconditionError(absl::StrCat("secret \"", ref, "\" is shorter than 16 bytes"));
  }
  return secret;
}

}  // namespace gridcase::notify
