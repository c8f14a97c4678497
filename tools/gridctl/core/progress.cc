#include "tools/gridctl/core/progress.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::gridctl {

std::string FormatClock(absl::Duration duration) {
  int64_t seconds = std::max<int64_t>(0, absl::ToInt64Seconds(absl::Ceil(duration, absl::Seconds(1))));
  int64_t hours = seconds / 3600;
  int64_t minutes = (seconds / 60) % 60;
  if (hours > 0) return absl::StrFormat("%d:%02d:%02d", hours, minutes, seconds % 60);
  return absl::StrFormat("%d:%02d", minutes, seconds % 60);
}

std::string FormatProgress(const ProgressSnapshot& s, int bar_width) {
  const double seconds = absl::ToDoubleSeconds(s.elapsed);
  const double rate = seconds > 0 ? static_cast<double>(s.done) / seconds : 0;
  std::string line;
  if (s.total > 0) {
    const double fraction = std::clamp(static_cast<double>(s.done) / static_cast<double>(s.total), 0.0, 1.0);
    const int filled = static_cast<int>(std::floor(fraction * bar_width));
    absl::StrAppend(&line, "[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "]  ", s.done, "/",
                    s.total, "  ", static_cast<int>(std::floor(fraction * 100)), "%");
  } else {
    absl::StrAppend(&line, s.done, " done");
  }
  absl::StrAppend(&line, "  ", absl::StrFormat("%.1f/s", rate));
  if (s.total > 0) {
    if (s.done >= s.total) {
      absl::StrAppend(&line, "  took ", FormatClock(s.elapsed));
    } else if (rate > 0) {
      absl::StrAppend(&line, "  ETA ", FormatClock(absl::Seconds(static_cast<double>(s.total - s.done) / rate)));
    } else {
      absl::StrAppend(&line, "  ETA --:--");
    }
  }
  if (s.failed > 0) absl::StrAppend(&line, "  (", s.failed, " failed)");
  return line;
}

ProgressBar::ProgressBar(std::ostream* out, bool terminal, std::string label, int64_t total, absl::Duration interval,
                         std::function<absl::Time()> now)
    : out_(out), terminal_(terminal), label_(std::move(label)), total_(total), interval_(interval),
      now_(std::move(now)), started_(now_()) {}

ProgressSnapshot ProgressBar::snapshot() const {
  return {.done = done_, .total = total_, .failed = failed_, .elapsed = now_() - started_};
}

void ProgressBar::Update(int64_t done, int64_t failed) {
  done_ = done;
  failed_ = failed;
  if (now_() - drawn_ >= interval_) Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  if (terminal_ || drawn_done_ != done_) Draw(true);
  finished_ = true;
}

void ProgressBar::Draw(bool last) {
  drawn_ = now_();
  drawn_done_ = done_;
  std::string line = absl::StrCat(label_, label_.empty() ? "" : " ", FormatProgress(snapshot()));
  if (terminal_) {
    *out_ << "\r\033[K" << line;
    if (last) *out_ << '\n';
  } else {
    *out_ << line << '\n';
  }
  out_->flush();
}

}  // namespace gridcase::gridctl
