// dispatch dying at the worst moments of a command — after claiming the version, before or after publishing its
// event — loses no version and forks none: the restarted dispatch settles the abandoned claim, the handler's retry
// with the same request id gets the original outcome, and any other command at that version is refused.
#include "absl/time/clock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/case_calls.h"
#include "tests/support/journal.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::Actor;
using testing::sample::kGrid;

class DispatchCrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(DispatchCrashTest, AbandonedClaimIsSettledOnceAndRetryGetsTheOriginalOutcome) {
  const std::string crash_point = GetParam();
  testing::ServiceFleet fleet(absl::StrCat("crash-", crash_point));
  ASSERT_TRUE(fleet.Start("dispatch", {}, {{"GRIDCASE_CRASH_AT", crash_point}}).ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  v1::SubmitCaseRequest submit;
  submit.set_idempotency_key(testing::UniqueName("crash"));
  submit.set_channel(v1::CHANNEL_HOTLINE_12345);
  submit.set_text("翠苑一区门口井盖松动");
  submit.mutable_point()->set_lat(30.2525);
  submit.mutable_point()->set_lng(120.152);
  v1::SubmitCaseResponse submitted;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(intake->SubmitCase(&context, submit, &submitted).ok());
  }
  const std::string id = submitted.case_id();
  ASSERT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*dispatch, id).version() == 1; }));

  v1::CaseCommandRequest verify;
  verify.set_case_id(id);
  verify.set_expected_version(1);
  *verify.mutable_actor() = Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001");
  verify.set_request_id(testing::UniqueName("verify"));
  verify.mutable_verify_grid()->set_grid_code(kGrid);
  verify.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::CaseCommandResponse lost;
    grpc::Status status = dispatch->ExecuteCommand(&context, verify, &lost);
    EXPECT_FALSE(status.ok()) << "dispatch answered although it was to die at " << crash_point;
  }
  ASSERT_TRUE(fleet.WaitExited("dispatch", absl::Seconds(10))) << "dispatch did not reach " << crash_point;

  const absl::Time restarted = absl::Now();
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  // The claimed version is neither lost nor left blocking the case.
  ASSERT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*dispatch, id).version() == 2; },
                               absl::Seconds(20)))
      << "the abandoned claim was not settled";
  std::printf("settled %s in %.1f s after the restart\n", crash_point.c_str(),
              absl::ToDoubleSeconds(absl::Now() - restarted));

  // Another handler at the same version loses to the claimed event.
  v1::CaseCommandRequest invalid = verify;
  invalid.set_request_id(testing::UniqueName("invalid"));
  invalid.mutable_mark_invalid()->set_reason("重复反映");
  *invalid.mutable_actor() = Actor(v1::ROLE_GRID_WORKER, kGrid, "p0002");
  {
    grpc::ClientContext context;
    v1::CaseCommandResponse response;
    grpc::Status status = dispatch->ExecuteCommand(&context, invalid, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
    EXPECT_NE(status.error_message().find("version 2 was taken by grid_verified"), std::string::npos)
        << status.error_message();
  }
  // The handler retries the command whose answer it never got: the original outcome.
  {
    grpc::ClientContext context;
    v1::CaseCommandResponse response;
    grpc::Status status = dispatch->ExecuteCommand(&context, verify, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.event().event_id(), id + "/2");
    EXPECT_TRUE(response.event().has_grid_verified());
    EXPECT_EQ(response.case_().version(), 2);
  }

  testing::Journal journal = testing::ReadJournal(fleet.prefix());
  const auto version2 = std::make_pair(id, int64_t{2});
  EXPECT_EQ(journal.Forks(), 0);
  EXPECT_EQ(journal.distinct[version2].size(), 1u);
  EXPECT_EQ(journal.distinct.count(std::make_pair(id, int64_t{3})), 0u) << "the retry wrote a new version";
  // An event published just before the crash may be written once more, byte for byte, when its claim is settled
  // before the restarted consumer projects it; consumers ignore such a copy.
  EXPECT_LE(journal.records[version2], std::string(crash_point) == "dispatch.after_claim" ? 1 : 2);
  std::printf("%s: version 2 written %d time(s)\n", crash_point.c_str(), journal.records[version2]);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, DispatchCrashTest,
                         ::testing::Values("dispatch.after_claim", "dispatch.after_publish"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param).substr(std::string("dispatch.").size());
                         });

}  // namespace
}  // namespace gridcase
