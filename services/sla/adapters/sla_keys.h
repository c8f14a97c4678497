#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gridcase::sla {

// The SLA service's Redis keys, each under a prefix (empty in production; unique per test). Per-case keys hash-tag the
// case id; the timer set and its claims share the tag {timers} so that one script can move timers between them.
class SlaKeys {
 public:
  explicit SlaKeys(std::string prefix = "") : prefix_(std::move(prefix)) {}

  // Hash: version, done, state (serialised v1::SlaCaseState).
  std::string Case(absl::string_view case_id) const { return absl::StrCat(prefix_, "sla:case:{", case_id, "}"); }
  // Set of AlarmId::FiredKey() of the alarms that fired.
  std::string Fired(absl::string_view case_id) const { return absl::StrCat(prefix_, "sla:fired:{", case_id, "}"); }
  // String: the run_id of the Redis server whose fired sets were last restored from the SLA topic.
  std::string FiredRestored() const { return absl::StrCat(prefix_, "sla:fired-restored"); }
  // Sorted set: pending timers (AlarmId::Member()) scored by fire time (unix ms).
  std::string Timers() const { return absl::StrCat(prefix_, "sla:timers:{timers}"); }
  // Sorted set: claimed timers scored by lease expiry (unix ms).
  std::string Claimed() const { return absl::StrCat(prefix_, "sla:claimed:{timers}"); }
  // Hash: claim intents, timer member -> unix ms of its earliest claim not yet acknowledged. Written with the claim,
  // removed with the acknowledgement: a timer claimed again while its intent stands may have had its alarm published.
  std::string Intents() const { return absl::StrCat(prefix_, "sla:intents:{timers}"); }
  // Hash: timer member -> fire time (unix ms) asked for by arming while the timer was claimed; applied when the claim
  // ends.
  std::string Rearm() const { return absl::StrCat(prefix_, "sla:rearm:{timers}"); }
  // Sorted set: running clocks ("<case>|<clock>|<cycle>") scored by due time (unix ms).
  std::string Due() const { return absl::StrCat(prefix_, "sla:due"); }

 private:
  std::string prefix_;
};

// Unix milliseconds, rounded up: a timer scored with it never comes due before `t`.
int64_t CeilUnixMillis(absl::Time t);

}  // namespace gridcase::sla
