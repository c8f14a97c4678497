#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "grpcpp/channel.h"
#include "libs/privacy/personal_data.h"
#include "services/notify/core/callback_sender.h"
#include "services/notify/core/notice_sender.h"

namespace gridcase::notify {

// Feedback's IssueRatingCode, called with notify's own service identity (the channel carries its token).
// FAILED_PRECONDITION from feedback while its own view of the case is not resolved yet (dispatch's projection or
// feedback's consumer behind) becomes UNAVAILABLE, retried; a closed rating (rated, window over, closed) stays
// FAILED_PRECONDITION.
class FeedbackRatingCodes : public RatingCodes {
 public:
  FeedbackRatingCodes(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
      : stub_(v1::FeedbackService::NewStub(channel)), timeout_(timeout) {}
  absl::StatusOr<Code> Issue(const std::string& case_id) override;

 private:
  std::unique_ptr<v1::FeedbackService::Stub> stub_;
  absl::Duration timeout_;
};

// Opens residents with libs/privacy's PersonalData (the data keys in Redis, the master keys from
// --data_master_key_file).
class PrivacyResidentOpener : public ResidentOpener {
 public:
  explicit PrivacyResidentOpener(privacy::PersonalData* personal_data) : personal_data_(personal_data) {}
  absl::StatusOr<v1::Resident> Open(const std::string& case_id, const v1::Resident& sealed) override;
  std::string PhoneToken(const std::string& phone) override { return personal_data_->PhoneToken(phone); }

 private:
  privacy::PersonalData* personal_data_;
};

// Secrets as files in a directory (a mounted Kubernetes Secret): the file's content, without a trailing newline.
class DirectorySecretSource : public SecretSource {
 public:
  explicit DirectorySecretSource(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<std::string> Secret(const std::string& ref) override;

 private:
  std::string dir_;
};

}  // namespace gridcase::notify
