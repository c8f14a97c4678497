#include "tools/gridctl/core/command_request.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

TEST(CommandRequestTest, NamesEveryCommandOfTheOneof) {
  std::vector<std::string> names = CommandNames();
  EXPECT_EQ(static_cast<int>(names.size()),
            v1::CaseCommandRequest::descriptor()->FindOneofByName("command")->field_count());
  for (const char* expected : {"verify_grid", "township_dispatch", "department_return", "decide_extension", "rate",
                               "add_co_requester", "close"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(CommandRequestTest, EveryCommandBuildsARequestCarryingIt) {
  for (const std::string& name : CommandNames()) {
    auto request = BuildCommandRequest(name, "GC-1", 7, {});
    ASSERT_TRUE(request.ok()) << name << ": " << request.status();
    const auto* field = request->GetReflection()->GetOneofFieldDescriptor(
        *request, v1::CaseCommandRequest::descriptor()->FindOneofByName("command"));
    ASSERT_NE(field, nullptr) << name;
    EXPECT_EQ(field->name(), name);
    EXPECT_FALSE(CommandFieldsHelp(name).empty()) << name;
  }
}

TEST(CommandRequestTest, SetsStringsEnumsBooleansDurationsAndNestedFields) {
  auto verify = BuildCommandRequest("verify-grid", "GC-1", 3,
                                    {{"grid_code", "330199001001001"}, {"category", "general"}, {"note", "核实"}});
  ASSERT_TRUE(verify.ok()) << verify.status();
  EXPECT_EQ(verify->case_id(), "GC-1");
  EXPECT_EQ(verify->expected_version(), 3);
  EXPECT_EQ(verify->verify_grid().grid_code(), "330199001001001");
  EXPECT_EQ(verify->verify_grid().category(), v1::CATEGORY_GENERAL);
  EXPECT_EQ(verify->verify_grid().note(), "核实");

  auto decide = BuildCommandRequest("decide_extension", "GC-1", 1, {{"approved", "yes"}, {"extra", "3d"}});
  ASSERT_TRUE(decide.ok()) << decide.status();
  EXPECT_TRUE(decide->decide_extension().approved());
  EXPECT_EQ(decide->decide_extension().extra().seconds(), 3 * 86400);

  auto rate = BuildCommandRequest("rate", "GC-1", 1, {{"satisfaction", "SATISFACTION_BASICALLY"}});
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(rate->rate().satisfaction(), v1::SATISFACTION_BASICALLY);

  auto close = BuildCommandRequest("close", "GC-1", 1, {{"reason", "administrative"}});
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(close->close().reason(), v1::CaseClosed::REASON_ADMINISTRATIVE);

  auto co = BuildCommandRequest("add_co_requester", "GC-1", 1,
                                {{"resident.name", "李先生"}, {"resident.phone", "13812345678"}, {"text", "同一问题"}});
  ASSERT_TRUE(co.ok()) << co.status();
  EXPECT_EQ(co->add_co_requester().resident().name(), "李先生");

  auto empty = BuildCommandRequest("department_accept", "GC-1", 2, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->has_department_accept());
}

TEST(CommandRequestTest, RefusesUnknownCommandsFieldsAndValuesSayingWhatIsAccepted) {
  auto unknown = BuildCommandRequest("approve", "GC-1", 1, {});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown command 'approve'; the commands are: verify_grid"),
            std::string::npos);
  auto field = BuildCommandRequest("resolve", "GC-1", 1, {{"answer", "x"}});
  EXPECT_EQ(field.status().message(),
            "resolve --answer: ResolveCommand has no field 'answer' (it has reply, contacted_resident)");
  auto value = BuildCommandRequest("resolve", "GC-1", 1, {{"contacted_resident", "maybe"}});
  EXPECT_EQ(value.status().message(), "resolve --contacted_resident: 'maybe' is not true or false");
  auto level = BuildCommandRequest("verify_grid", "GC-1", 1, {{"category", "huge"}});
  EXPECT_EQ(level.status().message(),
            "verify_grid --category: 'huge' is not one of simple|general|major|difficult|cross_county");
  auto duration = BuildCommandRequest("request_extension", "GC-1", 1, {{"extra", "long"}});
  EXPECT_NE(duration.status().message().find("is not a duration"), std::string::npos);
  auto message = BuildCommandRequest("add_co_requester", "GC-1", 1, {{"resident", "x"}});
  EXPECT_NE(message.status().message().find("is a message; set its fields"), std::string::npos);
  EXPECT_FALSE(BuildCommandRequest("resolve", "", 1, {}).ok());
}

TEST(CommandRequestTest, HelpListsFieldsWithTheirTypes) {
  std::string help = CommandFieldsHelp("decide_extension");
  EXPECT_EQ(help, "  --approved true|false\n  --extra DURATION (e.g. 2h, 3d)\n  --note TEXT\n");
  EXPECT_NE(CommandFieldsHelp("add_co_requester").find("--resident.phone TEXT"), std::string::npos);
  EXPECT_EQ(CommandFieldsHelp("nope"), "");
}

TEST(CommandRequestTest, ShortEnumNames) {
  EXPECT_EQ(ShortEnumName(v1::CaseStatus_descriptor(), v1::CASE_STATUS_IN_PROGRESS), "in_progress");
  EXPECT_EQ(ShortEnumName(v1::Channel_descriptor(), v1::CHANNEL_HOTLINE_12345), "hotline_12345");
  EXPECT_EQ(ShortEnumName(v1::Level_descriptor(), 99), "99");
  EXPECT_EQ(FindEnumValue(v1::Level_descriptor(), "Township")->number(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(FindEnumValue(v1::Level_descriptor(), "moon"), nullptr);
}

}  // namespace
}  // namespace gridcase::gridctl
