// SIGTERM drains a service cleanly: it exits 0, and what it accepted before is still there when it comes back.
#include <sys/wait.h>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

TEST(ShutdownTest, SigtermDrainsAndRestartKeepsAcceptedCases) {
  testing::ServiceFleet fleet("shutdown");
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(testing::UniqueName("sigterm"));
  request.set_channel(v1::CHANNEL_APP);
  request.set_text("垃圾清运不及时");
  v1::SubmitCaseResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(intake->SubmitCase(&context, request, &response).ok());

  int status = fleet.Stop("intake");
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  status = fleet.Stop("dispatch");
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);

  // Restarted, dispatch resumes from its committed offsets; the case is there, exactly once.
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  v1::CaseTimeline timeline;
  ASSERT_TRUE(testing::WaitFor([&] {
    grpc::ClientContext c;
    v1::GetCaseTimelineRequest r;
    r.set_case_id(response.case_id());
    return dispatch->GetCaseTimeline(&c, r, &timeline).ok();
  }));
  EXPECT_EQ(timeline.events_size(), 1);
}

}  // namespace
}  // namespace gridcase
