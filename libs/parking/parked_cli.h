#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "libs/kafka/parking_store.h"

namespace gridcase::parking {

// What the operator asked gridcase-parked for.
struct ParkedCommand {
  std::string verb;      // list | release | skip
  std::string group;     // consumer group; for list, empty means every group
  std::string case_id;   // release and skip
  absl::Duration wait;   // release and skip: how long to wait for the consumer's replay (0: do not wait)
};

// Runs one operator command against `store`, writing results to `out` and errors to `err`. Exit codes: 0 done
// (list printed; release or skip requested, or with `wait` replayed to the end), 1 failure, 2 usage error,
// 3 the replay stopped and the case is still parked: held again, or still waiting for an earlier record when `wait`
// ran out (the reason is printed).
int RunParkedCommand(const ParkedCommand& command, kafka::ParkingStore& store, std::ostream& out, std::ostream& err);

}  // namespace gridcase::parking
