#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace gridcase::kafka {

// A handler's answer for a record that has to wait for an earlier record of its case (a gap in case versions):
// UNAVAILABLE, marked so that the consumer can tell it from a store outage and park the case once the wait outlasts
// its patience (see Consumer).
absl::Status WaitForEarlierRecord(absl::string_view message);
bool IsWaitForEarlierRecord(const absl::Status& status);

}  // namespace gridcase::kafka
