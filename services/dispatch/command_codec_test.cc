#include "services/dispatch/command_codec.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::dispatch {
namespace {

std::string Chinese(size_t characters) {
  std::string text;
  for (size_t i = 0; i < characters; ++i) text += "修";
  return text;
}

TEST(CommandCodecTest, EveryStringIsBoundedAndTheErrorNamesItsField) {
  v1::CaseCommandRequest request;
  request.set_case_id("GC-20261130-000001");
  request.mutable_resolve()->set_reply(Chinese(kMaxTextCharacters));
  EXPECT_TRUE(CommandFromProto(request).ok()) << "at the bound, counted in characters, not bytes";

  request.mutable_resolve()->set_reply(Chinese(kMaxTextCharacters + 1));
  absl::StatusOr<Command> command = CommandFromProto(request);
  EXPECT_EQ(command.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(command.status().message(), "resolve.reply: must be at most 2000 characters");

  v1::CaseCommandRequest add;
  add.mutable_add_co_requester()->set_request_ref("k1");
  add.mutable_add_co_requester()->mutable_resident()->set_name(Chinese(kMaxNameCharacters + 1));
  EXPECT_EQ(CommandFromProto(add).status().message(), "add_co_requester.resident.name: must be at most 100 characters");

  v1::CaseCommandRequest long_id;
  long_id.set_request_id(std::string(kMaxCodeCharacters + 1, 'r'));
  long_id.mutable_escalate()->set_reason("督办");
  EXPECT_EQ(CommandFromProto(long_id).status().message(), "request_id: must be at most 128 characters");

  v1::CaseCommandRequest code;
  code.mutable_township_dispatch()->set_department_code(std::string(kMaxCodeCharacters + 1, 'd'));
  EXPECT_EQ(CommandFromProto(code).status().message(),
            "township_dispatch.department_code: must be at most 128 characters");
}

}  // namespace
}  // namespace gridcase::dispatch
