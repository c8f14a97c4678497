#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "libs/events/keys.h"
#include "libs/redis/redis_client.h"

namespace gridcase::events {

// Read access to the case projections in Redis (written by dispatch's projector). Thread-safe.
class CaseViews {
 public:
  // `redis` must outlive this object.
  CaseViews(redis::RedisClient* redis, Keys keys) : redis_(redis), keys_(std::move(keys)) {}

  // The case view, or nullopt when the projection does not have the case. DATA_LOSS if the stored bytes are corrupt.
  absl::StatusOr<std::optional<v1::Case>> Get(const std::string& case_id) const;
  // The case's events in version order (empty when unknown).
  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(const std::string& case_id) const;

 private:
  redis::RedisClient* redis_;
  Keys keys_;
};

}  // namespace gridcase::events
