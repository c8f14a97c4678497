#pragma once

#include <string>
#include <vector>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"

namespace gridcase::bench {

// One case driven through the whole 六单联办 chain by a scripted handler.
struct ChainCase {
  bool ok = false;
  double seconds = 0;                   // Submit → resolved.
  double projection_seconds = 0;        // Submit answered → dispatch shows the case.
  std::vector<double> command_seconds;  // Each ExecuteCommand.
  std::string error;
};

// Submits a 12345 call (idempotency key `key`), waits until dispatch projects it (as a grid worker polling its
// queue would, for up to 4 s, looking again after 2 ms, then twice as long each time up to 16 ms), then verifies, escalates, dispatches, accepts and resolves it, each command as the
// handler it names (the stubs' channels carry the tokens: testing::ServiceFleet::Channel).
ChainCase DriveCase(v1::IntakeService::Stub& intake, v1::DispatchService::Stub& dispatch, const std::string& key,
                    int n);

}  // namespace gridcase::bench
