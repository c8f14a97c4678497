#include "services/notify/core/notice_text.h"

#include "absl/strings/str_cat.h"

namespace gridcase::notify {

std::string Summarize(const std::string& text, int max_chars) {
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // A continuation byte.
    if (chars == max_chars) return absl::StrCat(text.substr(0, i), "…");
    ++chars;
  }
  return text;
}

std::string NoticeText(NoticeStep step, const NoticeFields& f) {
  const std::string sign = absl::StrCat("【", f.signature, "】");
  switch (step) {
    case NoticeStep::kAccepted:
      return absl::StrCat(sign, "您反映的问题已受理，编号", f.case_id, "。我们将按时办理并告知结果。");
    case NoticeStep::kResolved:
      return absl::StrCat(sign, "您反映的问题（编号", f.case_id, "）已办结：", Summarize(f.reply, kReplySummaryChars));
    case NoticeStep::kRating:
      return absl::StrCat(sign, "请对编号", f.case_id, "的办理结果进行评价，评价码", f.rating_code, "，",
                          absl::FormatTime("%m月%d日%H:%M", f.rating_expires, absl::FixedTimeZone(8 * 3600)),
                          "前有效。");
    case NoticeStep::kReopened:
      return absl::StrCat(sign, "您对编号", f.case_id,
                          "的办理结果不满意，案件已退回承办部门重新办理，我们将尽快处理。");
  }
  return "";
}

}  // namespace gridcase::notify
