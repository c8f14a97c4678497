#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  // Cases created in [from, to) (the case index), oldest first, skipping `offset`; at most `count`.
  absl::StatusOr<std::vector<v1::Case>> ListCreated(absl::Time from, absl::Time to, int64_t offset,
                                                    int64_t count) const;
  // The views of these cases, in order, skipping unknown ids.
  absl::StatusOr<std::vector<v1::Case>> GetMany(const std::vector<std::string>& case_ids) const;
  // One page of the case's events in the order they were applied, skipping `offset`, at most `count`, and the
  // number of events the timeline holds (0 when the case is unknown).
  struct TimelinePage {
    std::vector<v1::CaseEvent> events;
    int64_t total = 0;
  };
  absl::StatusOr<TimelinePage> Timeline(const std::string& case_id, int64_t offset, int64_t count) const;

 private:
  redis::RedisClient* redis_;
  Keys keys_;
};

}  // namespace gridcase::events
