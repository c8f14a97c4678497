// Fuzz target for the CaseEvent codec: a Kafka record value from any producer. Parsing never crashes; an accepted
// record has a case id, an event id and a payload, names its type, and survives encode → decode unchanged.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/quiet_protobuf.h"
#include "fuzz/same_message.h"
#include "libs/events/codec.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gridcase::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gridcase::events::ParseEvent;
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto event = ParseEvent(bytes);
  if (!event.ok()) {
    FUZZ_CHECK(event.status().code() == absl::StatusCode::kDataLoss ||
                   event.status().code() == absl::StatusCode::kInvalidArgument,
               event.status().ToString());
    return 0;
  }
  FUZZ_CHECK(!event->case_id().empty() && !event->event_id().empty(), event->ShortDebugString());
  FUZZ_CHECK(event->payload_case() != gridcase::v1::CaseEvent::PAYLOAD_NOT_SET, "payload");
  FUZZ_CHECK(!gridcase::events::EventType(*event).empty(), "event type");
  auto headers = gridcase::events::EventHeaders(*event);
  FUZZ_CHECK(headers.size() == 3, "three headers");

  std::string encoded;
  FUZZ_CHECK(event->SerializeToString(&encoded), "serialise");
  auto decoded = ParseEvent(encoded);
  FUZZ_CHECK(decoded.ok(), decoded.status().ToString());
  FUZZ_CHECK(gridcase::fuzz::SameMessage(*event, *decoded), "round trip");
  return 0;
}
