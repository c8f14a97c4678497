#include "services/notify/core/outbound.h"

namespace gridcase::notify {

const char* NoticeStepName(NoticeStep step) {
  switch (step) {
    case NoticeStep::kAccepted:
      return "accepted";
    case NoticeStep::kResolved:
      return "resolved";
    case NoticeStep::kRating:
      return "rating";
    case NoticeStep::kReopened:
      return "reopened";
  }
  return "accepted";
}

bool ParseNoticeStep(const std::string& name, NoticeStep* step) {
  for (NoticeStep s : {NoticeStep::kAccepted, NoticeStep::kResolved, NoticeStep::kRating, NoticeStep::kReopened}) {
    if (name == NoticeStepName(s)) {
      *step = s;
      return true;
    }
  }
  return false;
}

}  // namespace gridcase::notify
