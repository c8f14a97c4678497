#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::notify {

// When a failed delivery is tried again and when it is given up on.
struct RetryPolicy {
  absl::Duration initial = absl::Seconds(1);  // After the first failure.
  absl::Duration max = absl::Minutes(5);      // The backoff doubles up to this.
  // A delivery still failing this long after its first attempt is parked (with its case's later deliveries).
  absl::Duration park_after = absl::Hours(24);

  // The wait after the `failures`-th consecutive failure (1 for the first): initial · 2^(failures-1), at most max.
  absl::Duration Backoff(int failures) const;
};

// 免打扰: no SMS between `start` and `end` (China Standard Time, minutes after midnight; start > end spans midnight)
// except for emergencies. Equal start and end: no quiet hours.
struct QuietHours {
  int start_minute = 22 * 60;
  int end_minute = 8 * 60;

  // "22:00-08:00"; INVALID_ARGUMENT naming the flag otherwise.
  static absl::StatusOr<QuietHours> Parse(const std::string& value);
  // When a notice that is due at `t` may be sent: `t` outside the quiet hours, else the end of them.
  absl::Time NextAllowed(absl::Time t) const;
};

// The per-phone limit of SMS: at most `max` in each window of `window` (windows aligned to the Unix epoch); a notice
// over it waits for the next window. max 0: no limit.
struct PhoneLimit {
  int max = 5;
  absl::Duration window = absl::Hours(1);
};

}  // namespace gridcase::notify
