#pragma once

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gridcase::testing {

// Polls `condition` until it holds or `timeout` passes; returns whether it held. Tests wait on conditions, never on
// bare sleeps.
inline bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(30),
                    absl::Duration poll = absl::Milliseconds(20)) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(poll);
  }
  return condition();
}

}  // namespace gridcase::testing
