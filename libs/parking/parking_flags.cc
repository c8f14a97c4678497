#include "libs/parking/parking_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(absl::Duration, parking_gap_patience, absl::Seconds(10),
          "How long a record may wait for an earlier record of its case (a version gap) before its case is parked "
          "and the partition moves on; the parked case is retried every --parking_poll");
ABSL_FLAG(absl::Duration, parking_poll, absl::Seconds(1),
          "How often a consumer replays its group's parked cases that were released, skipped or are waiting");

namespace gridcase::parking {

absl::StatusOr<kafka::ParkingOptions> ParkingOptionsFromFlags(kafka::ParkingStore* store) {
  kafka::ParkingOptions options;
  options.store = store;
  options.gap_patience = absl::GetFlag(FLAGS_parking_gap_patience);
  options.poll = absl::GetFlag(FLAGS_parking_poll);
  if (options.gap_patience < absl::ZeroDuration() || options.gap_patience > absl::Hours(24)) {
    return absl::InvalidArgumentError("--parking_gap_patience: must be within 0..24h");
  }
  if (options.poll < absl::Milliseconds(10) || options.poll > absl::Minutes(10)) {
    return absl::InvalidArgumentError("--parking_poll: must be within 10ms..10m");
  }
  return options;
}

}  // namespace gridcase::parking
