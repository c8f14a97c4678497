#pragma once

#include <set>
#include <string>

#include "libs/redis/redis_client.h"
#include "services/audit/core/parked_cases.h"

namespace gridcase::audit {

// The parking store's view in Redis: every key under `<redis_prefix>parked:` names a parked case by its last
// `:`-separated component (a case id, `GC-…`, bare or hash-tagged as `{GC-…}`); keys whose last component is not a
// case id are ignored.
class RedisParkedCases : public ParkedCases {
 public:
  // `redis` must outlive this object.
  RedisParkedCases(redis::RedisClient* redis, std::string redis_prefix)
      : redis_(redis), prefix_(std::move(redis_prefix)) {}

  absl::StatusOr<std::set<std::string>> List() override;

 private:
  redis::RedisClient* redis_;
  std::string prefix_;
};

}  // namespace gridcase::audit
