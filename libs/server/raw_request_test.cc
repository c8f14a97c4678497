#include "libs/server/raw_request.h"

#include "gridcase/v1/intake.pb.h"
#include "gtest/gtest.h"
#include "libs/validation/utf8.h"

namespace gridcase::server {
namespace {

grpc::ByteBuffer Wire(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Serialises a request whose string field `spoil` holds invalid UTF-8, the way a client in another language could.
std::string WithRawField(const v1::SubmitCaseRequest& base, const std::string& nested_bytes, int field_number) {
  std::string wire = base.SerializeAsString();
  wire.push_back(static_cast<char>((field_number << 3) | 2));
  wire.push_back(static_cast<char>(nested_bytes.size()));
  return wire + nested_bytes;
}

TEST(DecodeRequestTest, ParsesValidRequest) {
  v1::SubmitCaseRequest request;
  request.set_text("路灯不亮");
  request.mutable_resident()->set_name("李先生");
  v1::SubmitCaseRequest decoded;
  ASSERT_TRUE(DecodeRequest(Wire(request.SerializeAsString()), &decoded).ok());
  EXPECT_EQ(decoded.text(), "路灯不亮");
  EXPECT_EQ(decoded.resident().name(), "李先生");
}

TEST(DecodeRequestTest, NamesTopLevelInvalidUtf8Field) {
  v1::SubmitCaseRequest decoded;
  absl::Status status = DecodeRequest(Wire(WithRawField({}, "bad \xE4\xBA", 5)), &decoded);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "text: is not valid UTF-8");
}

TEST(DecodeRequestTest, NamesNestedInvalidUtf8Field) {
  std::string resident;
  resident.push_back(static_cast<char>((1 << 3) | 2));  // Resident.name
  resident.push_back(2);
  resident += "\xff\xfe";
  v1::SubmitCaseRequest decoded;
  absl::Status status = DecodeRequest(Wire(WithRawField({}, resident, 3)), &decoded);
  EXPECT_EQ(status.message(), "resident.name: is not valid UTF-8");
}

TEST(DecodeRequestTest, GarbageIsInvalidArgument) {
  v1::SubmitCaseRequest decoded;
  EXPECT_EQ(DecodeRequest(Wire("\x0a\xff\xff\xff"), &decoded).code(), absl::StatusCode::kInvalidArgument);
}

TEST(Utf8LengthTest, CountsCodePointsAndRejectsMalformed) {
  EXPECT_EQ(validation::Utf8Length("井盖"), 2u);
  EXPECT_FALSE(validation::Utf8Length("\xED\xA0\x80").has_value());
}

}  // namespace
}  // namespace gridcase::server
