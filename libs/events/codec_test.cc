#include "absl/strings/string_view.h"
#include "libs/events/codec.h"

#include "gtest/gtest.h"
#include "libs/events/topics.h"

namespace gridcase::events {
namespace {

TEST(CodecTest, RoundTripsAndNamesThePayload) {
  v1::CaseEvent event;
  event.set_event_id("GC-1/2");
  event.set_case_id("GC-1");
  event.set_case_version(2);
  event.mutable_grid_verified()->set_grid_code("G1");
  EXPECT_EQ(EventType(event), "grid_verified");
  auto parsed = ParseEvent(event.SerializeAsString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->grid_verified().grid_code(), "G1");
  auto headers = EventHeaders(event);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[2].value, "2");
}

TEST(CodecTest, GarbageIsDataLoss) {
  EXPECT_EQ(ParseEvent("\xff\xff\xff garbage").status().code(), absl::StatusCode::kDataLoss);
}

TEST(CodecTest, MissingFieldsAreInvalidArgumentNamingTheField) {
  v1::CaseEvent event;
  event.set_event_id("e");
  event.mutable_closed();
  auto parsed = ParseEvent(event.SerializeAsString());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("case_id"), absl::string_view::npos);
}

TEST(TopicsTest, EachStageHasItsTopic) {
  Topics topics("t-");
  v1::CaseEvent event;
  event.mutable_submitted();
  EXPECT_EQ(topics.ForEvent(event), "t-gridcase.intake.v1");
  event.mutable_township_dispatched();
  EXPECT_EQ(topics.ForEvent(event), "t-gridcase.township.v1");
  event.mutable_resolved();
  EXPECT_EQ(topics.ForEvent(event), "t-gridcase.department.v1");
  event.mutable_resident_rated();
  EXPECT_EQ(topics.ForEvent(event), "t-gridcase.feedback.v1");
}

}  // namespace
}  // namespace gridcase::events
