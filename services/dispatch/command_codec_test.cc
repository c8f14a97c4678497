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

TEST(CommandCodecTest, IdsThatBecomeRedisKeysCarryNoHashTagOrPattern) {
  v1::CaseCommandRequest request;
  request.set_case_id("GC-20261130-000001}{other");
  request.mutable_escalate()->set_reason("督办");
  EXPECT_EQ(CommandFromProto(request).status().message(),
            "case_id: may hold only printable ASCII without spaces, braces or the characters * ? [ ] \\");

  v1::CaseCommandRequest duplicate;
  duplicate.mutable_mark_duplicate()->set_duplicate_of("GC-*");
  EXPECT_EQ(CommandFromProto(duplicate).status().code(), absl::StatusCode::kInvalidArgument);
  duplicate.mutable_mark_duplicate()->set_duplicate_of("GC-20261130-000002");
  EXPECT_TRUE(CommandFromProto(duplicate).ok());

  v1::CaseCommandRequest transfer;
  transfer.mutable_department_transfer()->set_to_department_code("330199.jtj{x}");
  EXPECT_EQ(CommandFromProto(transfer).status().message().substr(0, 39), "department_transfer.to_department_code:");
}

}  // namespace
}  // namespace gridcase::dispatch
