#include "libs/server/raw_request.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"
#include "libs/validation/field_error.h"
#include "libs/validation/utf8.h"

namespace gridcase::server {
namespace {

absl::Status CheckStrings(const google::protobuf::Descriptor& descriptor, const std::string& bytes,
                          const std::string& path, int depth) {
  if (depth > 32) return validation::FieldError(path.empty() ? "request" : path, "is nested too deeply");
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return validation::FieldError(path.empty() ? "request" : path, "is not a valid message");
  }
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const google::protobuf::FieldDescriptor* fd = descriptor.FindFieldByNumber(field.number());
    if (fd == nullptr) continue;
    std::string name = path.empty() ? fd->name() : absl::StrCat(path, ".", fd->name());
    if (fd->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (!validation::Utf8Length(field.length_delimited()).has_value()) {
        return validation::FieldError(name, "is not valid UTF-8");
      }
    } else if (fd->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (absl::Status s = CheckStrings(*fd->message_type(), field.length_delimited(), name, depth + 1); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodeRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request) {
  std::vector<grpc::Slice> slices;
  if (!bytes.Dump(&slices).ok()) return absl::InvalidArgumentError("request: unreadable");
  std::string wire;
  wire.reserve(bytes.Length());
  for (const grpc::Slice& slice : slices) wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  if (absl::Status s = CheckStrings(*request->GetDescriptor(), wire, "", 0); !s.ok()) return s;
  if (!request->ParseFromString(wire)) return absl::InvalidArgumentError("request: is not a valid message");
  return absl::OkStatus();
}

void EncodeResponse(const google::protobuf::Message& response, grpc::ByteBuffer* bytes) {
  std::string wire = response.SerializeAsString();
  grpc::Slice slice(wire);
  *bytes = grpc::ByteBuffer(&slice, 1);
}

}  // namespace gridcase::server
