// Fuzz target for the raw request decoder: the bytes of a gRPC request from any client, decoded as each request type
// that handlers register as raw methods (intake's SubmitCase, dispatch's ExecuteCommand, feedback's RateCase). The
// first input byte picks the type and where the bytes are split into two slices. DecodeRequest accepts exactly what
// protobuf's parser accepts, and yields the same message; what it refuses is INVALID_ARGUMENT naming a field.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/quiet_protobuf.h"
#include "fuzz/same_message.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/feedback.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/server/raw_request.h"

namespace {

std::unique_ptr<google::protobuf::Message> NewRequest(uint8_t selector) {
  switch (selector % 3) {
    case 0: return std::make_unique<gridcase::v1::SubmitCaseRequest>();
    case 1: return std::make_unique<gridcase::v1::CaseCommandRequest>();
    default: return std::make_unique<gridcase::v1::RateCaseRequest>();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gridcase::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = wire.empty() ? 0 : (selector / 3) % (wire.size() + 1);
  grpc::Slice slices[2] = {grpc::Slice(wire.data(), split), grpc::Slice(wire.data() + split, wire.size() - split)};
  grpc::ByteBuffer buffer(slices, 2);

  std::unique_ptr<google::protobuf::Message> decoded = NewRequest(selector);
  absl::Status status = gridcase::server::DecodeRequest(buffer, decoded.get());
  std::unique_ptr<google::protobuf::Message> parsed = NewRequest(selector);
  const bool parses = parsed->ParseFromString(wire);

  if (status.ok()) {
    FUZZ_CHECK(parses, "decoded what protobuf refuses");
    FUZZ_CHECK(gridcase::fuzz::SameMessage(*decoded, *parsed), decoded->ShortDebugString());
    std::unique_ptr<google::protobuf::Message> again = NewRequest(selector);
    grpc::ByteBuffer response;
    gridcase::server::EncodeResponse(*decoded, &response);
    FUZZ_CHECK(gridcase::server::DecodeRequest(response, again.get()).ok(), "re-encoded request decodes");
    FUZZ_CHECK(gridcase::fuzz::SameMessage(*decoded, *again), "round trip");
  } else {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
    FUZZ_CHECK(!parses, "refused a valid request: " + status.ToString());
  }
  return 0;
}
