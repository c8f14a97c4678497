// SIGTERM drains a service cleanly: it exits 0, commits what it consumed, and when it comes back it resumes from
// there — what it accepted before is still there once, and what arrived while it was down is consumed.
#include <sys/wait.h>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/case_calls.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

std::string Submit(v1::IntakeService::Stub& intake, const std::string& text) {
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(testing::UniqueName("sigterm"));
  request.set_channel(v1::CHANNEL_APP);
  request.set_text(text);
  v1::SubmitCaseResponse response;
  grpc::ClientContext context;
  grpc::Status status = intake.SubmitCase(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.case_id();
}

int TimelineLength(v1::DispatchService::Stub& dispatch, const std::string& case_id) {
  grpc::ClientContext context;
  v1::GetCaseTimelineRequest request;
  request.set_case_id(case_id);
  v1::CaseTimeline timeline;
  if (!dispatch.GetCaseTimeline(&context, request, &timeline).ok()) return 0;
  return timeline.events_size();
}

TEST(ShutdownTest, SigtermDrainsAndRestartResumesFromCommittedOffsets) {
  testing::ServiceFleet fleet("shutdown");
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  const std::string before = Submit(*intake, "垃圾清运不及时");
  ASSERT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*dispatch, before).version() == 1; }));

  int status = fleet.Stop("dispatch");
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Accepted while dispatch is away: only a dispatch that resumes consuming can project it.
  const std::string while_down = Submit(*intake, "路灯不亮已经三天了");
  status = fleet.Stop("intake");
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);

  ASSERT_TRUE(fleet.Start("dispatch").ok());
  dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  ASSERT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*dispatch, while_down).version() == 1; }))
      << "the restarted dispatch did not consume the case submitted while it was down";
  EXPECT_EQ(TimelineLength(*dispatch, before), 1);
  EXPECT_EQ(TimelineLength(*dispatch, while_down), 1);
  // It resumed from the offset committed at the drain: the only record it read is the one that came after.
  EXPECT_EQ(fleet.Metric("dispatch", "gridcase_kafka_records_consumed_total"), 1);
}

}  // namespace
}  // namespace gridcase
