#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "services/notify/core/delivery_policy.h"
#include "services/notify/core/delivery_worker.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// An SMS gateway or an app push service.
class MessageGateway {
 public:
  struct Message {
    std::string id;         // The delivery id: the same for every attempt of one notice.
    std::string recipient;  // A phone number (SMS) or the app's resident id (push). Never logged.
    std::string text;
  };
  virtual ~MessageGateway() = default;
  // OK once the gateway accepted the message; UNAVAILABLE (retry) otherwise.
  virtual absl::Status Send(const Message& message) = 0;
  // Whether a message with this id was accepted before (asked before sending again after an attempt in doubt).
  virtual absl::StatusOr<bool> Accepted(const std::string& id) = 0;
};

// Opens a sealed resident of a case at the moment of sending (libs/privacy); the clear fields live only in the
// sender's stack.
class ResidentOpener {
 public:
  virtual ~ResidentOpener() = default;
  virtual absl::StatusOr<v1::Resident> Open(const std::string& case_id, const v1::Resident& sealed) = 0;
  // The phone's token (an HMAC under the index key) for the per-phone limit: never the phone itself.
  virtual std::string PhoneToken(const std::string& phone) = 0;
};

// Feedback's one-time rating codes.
class RatingCodes {
 public:
  struct Code {
    std::string code;
    absl::Time expires_at;
  };
  virtual ~RatingCodes() = default;
  // NOT_FOUND or FAILED_PRECONDITION: no rating is open for the case (rated, window over, closed); UNAVAILABLE:
  // retry (also while feedback has not seen the resolution yet).
  virtual absl::StatusOr<Code> Issue(const std::string& case_id) = 0;
};

// Counts SMS per phone token and window; returns the count after this one.
class PhoneCounter {
 public:
  virtual ~PhoneCounter() = default;
  virtual absl::StatusOr<int64_t> Add(const std::string& phone_token, absl::Time window_start,
                                      absl::Duration window) = 0;
};

// Sends residents' notices through a gateway (SMS, or app push for app requests). For each attempt:
//  1. after an attempt in doubt, asks the gateway whether it accepted the message already (then delivered);
//  2. SMS outside emergencies: deferred to the end of the quiet hours;
//  3. opens the resident (an erased resident, or one without a phone / app id, has nothing sent: delivered, skipped;
//     an app request's SMS is skipped when the resident has an app id: the push reaches them);
//  4. SMS: counts the phone against its limit (over: deferred to the next window);
//  5. the rating invitation: issues the code (no rating open: skipped; the case moved on in notify's own view
//     (`cases`) to another status or cycle: skipped);
//  6. sends.
class NoticeSender : public Sender {
 public:
  struct Options {
    bool sms = true;          // false: app push (no quiet hours, no phone limit; recipient is the resident id).
    std::string signature;    // 【…】 of the texts.
    QuietHours quiet;
    PhoneLimit limit;
  };
  // Pointers must outlive the sender.
  NoticeSender(Options options, MessageGateway* gateway, ResidentOpener* residents, RatingCodes* codes,
               PhoneCounter* counter, CaseStateStore* cases, std::function<absl::Time()> now)
      : options_(std::move(options)), gateway_(gateway), residents_(residents), codes_(codes), counter_(counter),
        cases_(cases), now_(std::move(now)) {}

  SendOutcome Send(const Attempt& attempt) override;

 private:
  Options options_;
  MessageGateway* gateway_;
  ResidentOpener* residents_;
  RatingCodes* codes_;
  PhoneCounter* counter_;
  CaseStateStore* cases_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::notify
