#include "libs/kafka/case_wait.h"

#include "absl/strings/cord.h"

namespace gridcase::kafka {
namespace {

constexpr char kWaitPayload[] = "type.gridcase.dev/gridcase.kafka.WaitForEarlierRecord";

}  // namespace

absl::Status WaitForEarlierRecord(absl::string_view message) {
  absl::Status status = absl::UnavailableError(message);
  status.SetPayload(kWaitPayload, absl::Cord("1"));
  return status;
}

bool IsWaitForEarlierRecord(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable && status.GetPayload(kWaitPayload).has_value();
}

}  // namespace gridcase::kafka
