#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gridcase::gridctl {

// Where a long piece of work stands.
struct ProgressSnapshot {
  int64_t done = 0;
  int64_t total = 0;   // 0: not known (no bar, no ETA).
  int64_t failed = 0;  // Part of `done` that failed.
  absl::Duration elapsed;
};

// One line: "[########------------]  400/1000  40%  123.4/s  ETA 0:05  (2 failed)", or without a total
// "1200 done  123.4/s". The rate is done/elapsed; the ETA is the rest at that rate.
std::string FormatProgress(const ProgressSnapshot& snapshot, int bar_width = 24);

// "0:05", "12:34", "1:02:03".
std::string FormatClock(absl::Duration duration);

// Draws progress on `out` (stderr, so that stdout stays for results): on a terminal one line redrawn in place at most
// every `interval`; otherwise a new line at most every `interval`. Finish() draws the last state (unless that line
// is already printed) and ends the line.
// Not thread-safe.
class ProgressBar {
 public:
  ProgressBar(std::ostream* out, bool terminal, std::string label, int64_t total,
              absl::Duration interval = absl::Milliseconds(200),
              std::function<absl::Time()> now = [] { return absl::Now(); });

  void set_total(int64_t total) { total_ = total; }
  void set_label(std::string label) { label_ = std::move(label); }
  void Update(int64_t done, int64_t failed = 0);
  void Finish();
  ProgressSnapshot snapshot() const;

 private:
  void Draw(bool last);

  std::ostream* out_;
  bool terminal_;
  std::string label_;
  int64_t total_;
  absl::Duration interval_;
  std::function<absl::Time()> now_;
  absl::Time started_;
  absl::Time drawn_ = absl::InfinitePast();
  int64_t done_ = 0;
  int64_t failed_ = 0;
  int64_t drawn_done_ = -1;  // `done_` when last drawn.
  bool finished_ = false;
};

}  // namespace gridcase::gridctl
