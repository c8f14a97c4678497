#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace gridcase::notify {

// The queues that are not an integration's: residents' notices by SMS and by app push.
inline constexpr char kSmsTarget[] = "resident-sms";
inline constexpr char kPushTarget[] = "resident-push";

// A step of the resident's notices (群众的回访短信), one message each.
enum class NoticeStep {
  kAccepted,  // 受理: the request was received, with its case id.
  kResolved,  // 办结: with a summary of the reply.
  kRating,    // 评价邀请: the one-time rating code from feedback.
  kReopened,  // 重办: the case went back to the department after a 不满意.
};
const char* NoticeStepName(NoticeStep step);
bool ParseNoticeStep(const std::string& name, NoticeStep* step);

// One outbound message as the consumer plans it from a case event: a callback to an integration (`body` is the
// JSON sent, fixed at planning so that every attempt and every replay sends the same bytes) or a notice to the
// resident (rendered when it is sent: the phone is opened and the rating code issued only then).
struct Outbound {
  std::string target;       // Integration name, kSmsTarget or kPushTarget.
  std::string delivery_id;  // Callback: the event id "<case>/<version>"; notice: "<case>/<version>/<step>".
  std::string case_id;
  int64_t case_version = 0;
  std::string event_type;
  absl::Time occurred_at = absl::UnixEpoch();

  // Callbacks.
  std::string body;

  // Notices.
  NoticeStep step = NoticeStep::kAccepted;
  std::string sealed_resident;  // A serialized v1::Resident as the log holds it (sealed).
  bool emergency = false;       // 紧急: sent in quiet hours too.
  std::string reply;            // The handler's reply (办结).
  // The request came from the app: its resident is reached by push when the app gave a resident id, by SMS else.
  bool app_request = false;

  bool is_notice() const { return target == kSmsTarget || target == kPushTarget; }
};

// What the queue knows of a delivery it hands out for an attempt.
struct Attempt {
  Outbound outbound;
  int attempts = 0;  // Attempts recorded before this one.
  // An earlier attempt started and its outcome was never recorded (the process died or lost its lease while
  // sending): the receiver may have it already.
  bool in_doubt = false;
  absl::Time first_try = absl::InfiniteFuture();  // The first attempt's start; InfiniteFuture before any.
  absl::Time enqueued_at = absl::UnixEpoch();
};

}  // namespace gridcase::notify
