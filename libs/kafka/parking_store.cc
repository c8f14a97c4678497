#include "libs/kafka/parking_store.h"

#include "absl/strings/str_cat.h"

namespace gridcase::kafka {

const char* ParkedStateName(ParkedState state) {
  switch (state) {
    case ParkedState::kHeld:
      return "held";
    case ParkedState::kWaiting:
      return "waiting";
    case ParkedState::kRelease:
      return "release";
    case ParkedState::kSkip:
      return "skip";
  }
  return "held";
}

std::string RecordId(const Message& message) {
  return absl::StrCat(message.topic, "/", message.partition, "/", message.offset);
}

}  // namespace gridcase::kafka
