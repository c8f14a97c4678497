#pragma once

#include <set>
#include <string>

#include "libs/parking/redis_parking_store.h"
#include "libs/redis/redis_client.h"
#include "services/audit/core/parked_cases.h"

namespace gridcase::audit {

// The cases the consumer groups have parked, read from the parking store under `<redis_prefix>` (every group's
// `parking:cases:{<group>}` set). A case parked by several groups is listed once.
class RedisParkedCases : public ParkedCases {
 public:
  // `redis` must outlive this object.
  RedisParkedCases(redis::RedisClient* redis, std::string redis_prefix) : store_(redis, std::move(redis_prefix)) {}

  absl::StatusOr<std::set<std::string>> List() override;

 private:
  parking::RedisParkingStore store_;
};

}  // namespace gridcase::audit
