#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "libs/events/event_publisher.h"
#include "services/dispatch/core/case_machine.h"
#include "services/dispatch/projector.h"

namespace gridcase::dispatch {

// Reserves the next version of a case for one event, so that two handlers acting on the same version cannot both
// publish: the second is refused. A claim outlives any publish attempt (it expires only after a long TTL), so an
// event whose publish timed out but was written still owns its version when it arrives.
class VersionClaims {
 public:
  virtual ~VersionClaims() = default;
  // True when this call claimed (case_id, version) for event_id, or event_id already held it.
  virtual absl::StatusOr<bool> Claim(const std::string& case_id, int64_t version, const std::string& event_id) = 0;
};

struct CommandResult {
  v1::Case after;
  v1::CaseEvent event;
};

// Runs handlers' commands: reads the case, asks the state machine for the event, claims the version, publishes the
// event (durable on Kafka before anything else), and applies it to the projections at once so the handler reads its
// own write. The stage consumer applies the same event again later as a no-op.
class CaseCommands {
 public:
  using Clock = std::function<absl::Time()>;

  // All pointers must outlive this object.
  CaseCommands(ProjectionStore* store, VersionClaims* claims, events::EventPublisher* publisher,
               const CaseMachine* machine, Clock clock)
      : store_(store), claims_(claims), publisher_(publisher), machine_(machine), clock_(std::move(clock)) {}

  // Errors: NOT_FOUND for an unknown case; the state machine's errors (INVALID_ARGUMENT, ABORTED,
  // FAILED_PRECONDITION, PERMISSION_DENIED); ABORTED when another command claimed the version first; UNAVAILABLE
  // when Kafka or Redis failed (the command may be retried with the same expected version).
  absl::StatusOr<CommandResult> Execute(const std::string& case_id, const Command& command, const v1::Actor& actor,
                                        int64_t expected_version, const std::string& correlation_id);

 private:
  ProjectionStore* store_;
  VersionClaims* claims_;
  events::EventPublisher* publisher_;
  const CaseMachine* machine_;
  Clock clock_;
};

}  // namespace gridcase::dispatch
