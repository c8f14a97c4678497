// Fuzz target for the dispatch command codec: an ExecuteCommand request from any client (the wire bytes, as
// protobuf parses them) turned into the state machine's command. An accepted command's request holds no string
// beyond its bound (free text 2000 characters, a name 100, case_id and request_id 128); a refusal is
// INVALID_ARGUMENT naming a field; the answer depends on the request only.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/quiet_protobuf.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/dispatch/command_codec.h"

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

size_t Characters(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Every string of `message` and the messages in it, with its path.
template <typename Visit>
void ForEachString(const Message& message, const std::string& path, Visit&& visit) {
  const auto* reflection = message.GetReflection();
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (field->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
          visit(name, field->name(), reflection->GetRepeatedString(message, field, j));
        }
      } else {
        visit(name, field->name(), reflection->GetString(message, field));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
          ForEachString(reflection->GetRepeatedMessage(message, field, j), name, visit);
        }
      } else if (reflection->HasField(message, field)) {
        ForEachString(reflection->GetMessage(message, field), name, visit);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gridcase::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gridcase::dispatch::CommandFromProto;
  gridcase::v1::CaseCommandRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto command = CommandFromProto(request);
  auto again = CommandFromProto(request);
  FUZZ_CHECK(command.ok() == again.ok(), "deterministic");
  if (!command.ok()) {
    FUZZ_CHECK(command.status().code() == absl::StatusCode::kInvalidArgument, command.status().ToString());
    FUZZ_CHECK(command.status().message().find(": ") != absl::string_view::npos, command.status().ToString());
    FUZZ_CHECK(command.status() == again.status(), "same refusal");
    return 0;
  }
  FUZZ_CHECK(command->index() == again->index(), "same command");
  FUZZ_CHECK(request.command_case() != gridcase::v1::CaseCommandRequest::COMMAND_NOT_SET, "a command is set");
  ForEachString(request, "", [](const std::string& path, const std::string& field, const std::string& value) {
    size_t characters = Characters(value);
    FUZZ_CHECK(characters <= gridcase::dispatch::kMaxTextCharacters, path);
    if (field == "name") FUZZ_CHECK(characters <= gridcase::dispatch::kMaxNameCharacters, path);
    if (field == "case_id" || field == "request_id" || field == "department_code" || field == "grid_code") {
      FUZZ_CHECK(characters <= gridcase::dispatch::kMaxCodeCharacters, path);
    }
  });
  return 0;
}
