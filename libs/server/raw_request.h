#pragma once

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/byte_buffer.h"

namespace gridcase::server {

// Decodes a request from its wire bytes so that bad text gets a field-level error. proto3 parsing rejects a string
// field holding invalid UTF-8 as a whole ("cannot parse"); this walks the bytes against the message's descriptor
// first and returns INVALID_ARGUMENT "<field path>: is not valid UTF-8" (e.g. "resident.name: …") for the first such
// field, then parses. Used by handlers registered as raw methods for requests that carry residents' free text.
absl::Status DecodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request);

// Serialises a response into a ByteBuffer for a raw method.
void EncodeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* bytes);

}  // namespace gridcase::server
