#pragma once

#include "absl/status/statusor.h"
#include "libs/kafka/consumer.h"

namespace gridcase::parking {

// The consumer's parking options from the flags every consuming service takes (GRIDCASE_* environment fallbacks):
//   --parking_gap_patience  how long a record waits for an earlier record of its case before its case is parked
//   --parking_poll          how often released, skipped and waiting cases are replayed
// INVALID_ARGUMENT naming the flag when one is out of range.
absl::StatusOr<kafka::ParkingOptions> ParkingOptionsFromFlags(kafka::ParkingStore* store);

}  // namespace gridcase::parking
