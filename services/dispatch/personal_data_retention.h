#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/access/access_log.h"
#include "libs/events/case_views.h"
#include "libs/redis/redis_client.h"
#include "services/dispatch/case_commands.h"

namespace gridcase::dispatch {

// Counts residents' cases erased: gridcase_personal_data_erased_total{reason="request"|"retention"}.
void CountErasure(const std::string& reason);

struct RetentionOptions {
  // Personal data is erased this long after a case ended (closed, invalid or duplicate).
  absl::Duration retention = absl::Hours(24 * 365 * 3);
  // The Redis key of the lease that lets one replica run a pass at a time, and how long one pass may hold it.
  std::string lease_key;
  absl::Duration lease = absl::Minutes(10);
  std::string owner;  // This replica's name on the lease.
  int batch = 200;    // Cases read per round trip.
};

// Storage limitation (个人信息保护法 第十九条): erases the personal data of every case that ended more than
// `retention` ago, the way an erasure on request does (CaseCommands::ErasePersonalData, reason REASON_RETENTION, as
// the dispatch service). A case has ended when its status is CLOSED, INVALID or DUPLICATE; the time it ended is its
// last change (updated_at). Each case erased is counted (reason "retention") and recorded on the access log.
// Idempotent: a case whose residents are all erased is passed over, and a pass that stopped half-way is completed by
// the next. With several dispatch replicas one runs a pass at a time (a Redis lease); two passes overlapping after a
// lease ran out still record one erasure per case (the version claim).
class PersonalDataRetention {
 public:
  using Clock = std::function<absl::Time()>;
  // Every pointer must outlive this object; `access_log` may be null (no records).
  PersonalDataRetention(redis::RedisClient* redis, const events::CaseViews* views, CaseCommands* commands,
                        access::AccessLog* access_log, RetentionOptions options, Clock clock)
      : redis_(redis), views_(views), commands_(commands), access_log_(access_log), options_(std::move(options)),
        clock_(std::move(clock)) {}

  // One pass. Returns how many cases it erased; 0 without a pass when another replica holds the lease.
  absl::StatusOr<int> RunOnce();

 private:
  bool Due(const v1::Case& c, absl::Time cutoff) const;
  void Record(const ErasureResult& erased);

  redis::RedisClient* redis_;
  const events::CaseViews* views_;
  CaseCommands* commands_;
  access::AccessLog* access_log_;
  RetentionOptions options_;
  Clock clock_;
};

}  // namespace gridcase::dispatch
