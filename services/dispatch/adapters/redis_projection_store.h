#pragma once

#include "libs/events/case_views.h"
#include "libs/events/keys.h"
#include "libs/redis/redis_client.h"
#include "services/dispatch/case_commands.h"
#include "services/dispatch/projector.h"

namespace gridcase::dispatch {

// ProjectionStore in Redis (keys in libs/events/keys.h). Apply is one Lua script that checks the version and writes
// the view, the timeline and both work queues together: no read-modify-write across round trips.
class RedisProjectionStore : public ProjectionStore {
 public:
  // `redis` must outlive the store.
  RedisProjectionStore(redis::RedisClient* redis, events::Keys keys)
      : redis_(redis), keys_(keys), views_(redis, keys) {}

  absl::StatusOr<std::optional<v1::Case>> Load(const std::string& case_id) override;
  absl::StatusOr<ApplyOutcome> Apply(const v1::CaseEvent& event, const v1::Case& after,
                                     const std::optional<v1::Case>& before) override;
  absl::Status SetDueAt(const std::string& case_id, const google::protobuf::Timestamp& due_at) override;

  // A page of a unit's work queue, earliest deadline first: case views from `offset`, and the queue's size.
  absl::StatusOr<std::pair<std::vector<v1::Case>, int64_t>> Queue(const std::string& unit_code, int64_t offset,
                                                                  int64_t count);

 private:
  redis::RedisClient* redis_;
  events::Keys keys_;
  events::CaseViews views_;
};

// Whether a case in this state sits in some unit's work queue.
bool IsQueued(const v1::Case& c);
// The score that orders a work queue: the completion deadline if set, else the creation time (unix seconds).
int64_t QueueScore(const v1::Case& c);

}  // namespace gridcase::dispatch
