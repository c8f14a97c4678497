#include "services/notify/core/planner.h"

#include "gtest/gtest.h"
#include "libs/events/proto_time.h"
#include "nlohmann/json.hpp"
#include "services/notify/core/case_source.h"

namespace gridcase::notify {
namespace {

v1::CaseEvent Submitted(v1::Channel channel, const std::string& key, const std::string& intake_unit) {
  v1::CaseEvent e;
  e.set_event_id("GC-20261130-000001/1");
  e.set_case_id("GC-20261130-000001");
  e.set_case_version(1);
  *e.mutable_occurred_at() = events::ToProto(absl::FromUnixSeconds(1764500000));
  e.mutable_actor()->set_role(channel == v1::CHANNEL_HOTLINE_12345 ? v1::ROLE_HOTLINE_OPERATOR : v1::ROLE_SYSTEM);
  e.mutable_actor()->set_person_id(channel == v1::CHANNEL_APP ? "resident-app" : "op1");
  v1::Case* c = e.mutable_submitted()->mutable_initial();
  c->set_id(e.case_id());
  c->set_channel(channel);
  c->set_idempotency_key(key);
  c->set_intake_unit(intake_unit);
  c->set_status(v1::CASE_STATUS_SUBMITTED);
  c->set_version(1);
  c->mutable_resident()->mutable_sealed()->set_key_id("k1");
  return e;
}

v1::Integration Hotline(std::vector<std::string> events = {}) {
  v1::Integration i;
  i.set_name("hotline-12345");
  i.mutable_source()->set_hotline_unit("330199.12345");
  i.set_callback_url("https://hotline.example.cn/gridcase");
  i.set_secret_ref("hotline-12345");
  for (auto& e : events) i.add_events(e);
  return i;
}

TEST(CaseSourceTest, NamesTheIntegrationThatHandedTheRequestOver) {
  EXPECT_EQ(SourceOfSubmission(Submitted(v1::CHANNEL_HOTLINE_12345, "call-1", "330199.12345")), "hotline:330199.12345");
  EXPECT_EQ(SourceOfSubmission(Submitted(v1::CHANNEL_OPEN311, "o311:crm:t:0123", "")), "open311:crm");
  EXPECT_EQ(SourceOfSubmission(Submitted(v1::CHANNEL_APP, "app-1", "")), "service:resident-app");
  v1::IntegrationSource s;
  s.set_open311_client("crm");
  EXPECT_EQ(SourceKey(s), "open311:crm");
}

TEST(PlannerTest, SubmittedGivesCallbackThenAcceptedNotice) {
  v1::CaseEvent e = Submitted(v1::CHANNEL_HOTLINE_12345, "call-1", "330199.12345");
  const v1::Case& after = e.submitted().initial();
  auto due = absl::FromUnixSeconds(1764600000);
  std::vector<Outbound> out = PlanDeliveries(e, after, SourceOfSubmission(e), due, {Hotline()});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].target, "hotline-12345");
  EXPECT_EQ(out[0].delivery_id, "GC-20261130-000001/1");
  auto body = nlohmann::json::parse(out[0].body);
  EXPECT_EQ(body["event_id"], "GC-20261130-000001/1");
  EXPECT_EQ(body["request_ref"], "call-1");
  EXPECT_EQ(body["status"], "submitted");
  EXPECT_EQ(body["expected_completion_at"], "2025-12-01T22:40:00+08:00");
  EXPECT_TRUE(body["reply"].is_null());
  EXPECT_EQ(out[1].target, kSmsTarget);
  EXPECT_EQ(out[1].delivery_id, "GC-20261130-000001/1/accepted");
  // The same inputs plan the same bytes: a redelivered event enqueues nothing new.
  EXPECT_EQ(PlanDeliveries(e, after, SourceOfSubmission(e), due, {Hotline()})[0].body, out[0].body);
}

TEST(PlannerTest, OnlyWantedEventsAndOnlyTheOwnIntegration) {
  v1::CaseEvent e = Submitted(v1::CHANNEL_HOTLINE_12345, "call-1", "330199.12345");
  EXPECT_EQ(PlanDeliveries(e, e.submitted().initial(), "hotline:330199.12345", std::nullopt, {Hotline({"resolved"})})
                .size(),
            1u);  // Only the notice.
  EXPECT_EQ(PlanDeliveries(e, e.submitted().initial(), "hotline:other", std::nullopt, {Hotline()}).size(), 1u);
}

TEST(PlannerTest, ResolvedGivesReplyAndRatingInvitation) {
  v1::CaseEvent e;
  e.set_case_id("GC-20261130-000001");
  e.set_case_version(7);
  e.mutable_resolved()->set_reply("已更换井盖");
  v1::Case after = Submitted(v1::CHANNEL_APP, "app-1", "").submitted().initial();
  after.set_status(v1::CASE_STATUS_RESOLVED);
  after.set_resolution_reply("已更换井盖");
  std::vector<Outbound> out = PlanDeliveries(e, after, "service:resident-app", std::nullopt, {});
  // An app request: by push, and by SMS should the app have given no resident id (the senders send one of them).
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].target, kPushTarget);
  EXPECT_EQ(out[0].delivery_id, "GC-20261130-000001/7/resolved");
  EXPECT_EQ(out[0].reply, "已更换井盖");
  EXPECT_TRUE(out[0].app_request);
  EXPECT_EQ(out[1].target, kSmsTarget);
  EXPECT_EQ(out[1].delivery_id, "GC-20261130-000001/7/resolved");
  EXPECT_EQ(out[2].target, kPushTarget);
  EXPECT_EQ(out[2].delivery_id, "GC-20261130-000001/7/rating");
}

TEST(PlannerTest, ErasedResidentGetsNothing) {
  v1::CaseEvent e = Submitted(v1::CHANNEL_HOTLINE_12345, "call-1", "330199.12345");
  v1::Case after = e.submitted().initial();
  after.mutable_resident()->Clear();
  after.mutable_resident()->set_erased(true);
  EXPECT_TRUE(PlanDeliveries(e, after, "", std::nullopt, {}).empty());
}

TEST(ValidateIntegrationTest, RefusesWhatCannotBeServed) {
  EXPECT_TRUE(ValidateIntegration(Hotline(), false).ok());
  v1::Integration i = Hotline();
  i.set_callback_url("http://hotline.example.cn/");
  EXPECT_FALSE(ValidateIntegration(i, false).ok());
  EXPECT_TRUE(ValidateIntegration(i, true).ok());
  i = Hotline({"teleported"});
  EXPECT_FALSE(ValidateIntegration(i, false).ok());
  i = Hotline();
  i.set_secret_ref("../etc/passwd");
  EXPECT_FALSE(ValidateIntegration(i, false).ok());
  i = Hotline();
  i.clear_source();
  EXPECT_FALSE(ValidateIntegration(i, false).ok());
  i = Hotline();
  i.set_name("resident-sms");
  EXPECT_FALSE(ValidateIntegration(i, false).ok());
}

}  // namespace
}  // namespace gridcase::notify
