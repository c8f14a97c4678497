#pragma once

#include <string>

#include "absl/time/time.h"
#include "services/notify/core/outbound.h"

namespace gridcase::notify {

// The words of a resident's notice (Chinese, one SMS each; the county's signature in 【】 first, as Chinese SMS
// gateways require).
struct NoticeFields {
  std::string signature;     // "清河县12345"
  std::string case_id;
  std::string reply;         // 办结: the handler's reply; cut to kReplySummaryChars.
  std::string rating_code;   // 评价邀请: the one-time code.
  absl::Time rating_expires = absl::InfiniteFuture();
};

inline constexpr int kReplySummaryChars = 60;

// The text of `step`:
//   受理  【清河县12345】您反映的问题已受理，编号GC-20261130-000001。我们将按时办理并告知结果。
//   办结  【清河县12345】您反映的问题（编号…）已办结：<reply, at most 60 characters, then …>
//   评价  【清河县12345】请对编号…的办理结果进行评价，评价码12345678，12月3日18:00前有效。
//   重办  【清河县12345】您对编号…的办理结果不满意，案件已退回承办部门重新办理，我们将尽快处理。
std::string NoticeText(NoticeStep step, const NoticeFields& fields);

// `text` cut to at most `max_chars` Unicode characters (never inside a UTF-8 sequence), "…" added when cut.
std::string Summarize(const std::string& text, int max_chars);

}  // namespace gridcase::notify
