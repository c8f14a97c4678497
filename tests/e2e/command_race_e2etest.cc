// One truth per case under concurrency: many handlers act on the same case version at once, through one, two or
// three dispatch replicas sharing Kafka and Redis. Exactly one command wins each version, every other is refused with ABORTED naming
// the version and what took it, a retried request returns the original outcome, and the log holds one event per
// (case, version) — so a rebuild from Kafka equals the live projections.
#include <cstdio>
#include <latch>
#include <thread>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "tests/support/case_calls.h"
#include "tests/support/journal.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::Actor;
using testing::sample::kGrid;

constexpr int kCases = 16;
constexpr int kCallersPerCase = 8;
const char* const kReplicas[] = {"dispatch", "dispatch#2", "dispatch#3"};

struct Attempt {
  v1::CaseCommandRequest request;
  grpc::Status status;
  v1::CaseCommandResponse response;
};

// Half the callers confirm the case on the grid (网格核单), half mark it invalid, all at version 1.
v1::CaseCommandRequest RacingCommand(const std::string& case_id, int caller) {
  v1::CaseCommandRequest request;
  request.set_case_id(case_id);
  request.set_expected_version(1);
  *request.mutable_actor() = Actor(v1::ROLE_GRID_WORKER, kGrid, absl::StrCat("p", caller));
  request.set_request_id(testing::UniqueName(absl::StrCat("race-", caller)));
  if (caller % 2 == 0) {
    request.mutable_verify_grid()->set_grid_code(kGrid);
    request.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  } else {
    request.mutable_mark_invalid()->set_reason("经核实不属实");
  }
  return request;
}

class CommandRaceTest : public ::testing::TestWithParam<int> {};

TEST_P(CommandRaceTest, OneWinnerPerVersion) {
  const int replica_count = GetParam();
  testing::ServiceFleet fleet(absl::StrCat("race", replica_count));
  std::vector<std::unique_ptr<v1::DispatchService::Stub>> replicas;
  for (int r = 0; r < replica_count; ++r) {
    ASSERT_TRUE(fleet.Start(kReplicas[r]).ok()) << kReplicas[r];
    replicas.push_back(v1::DispatchService::NewStub(fleet.Channel(kReplicas[r])));
  }
  // Every request opens its own case (none is linked to another as a duplicate).
  ASSERT_TRUE(fleet.Start("intake", {"--duplicate_similarity=1"}).ok());
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));

  std::vector<std::string> case_ids;
  for (int i = 0; i < kCases; ++i) {
    v1::SubmitCaseRequest request;
    request.set_idempotency_key(testing::UniqueName("race"));
    request.set_channel(v1::CHANNEL_HOTLINE_12345);
    request.set_text(absl::StrCat("翠苑", i, "幢门口井盖松动"));
    request.mutable_point()->set_lat(30.2525);
    request.mutable_point()->set_lng(120.152);
    v1::SubmitCaseResponse response;
    grpc::ClientContext context;
    grpc::Status status = intake->SubmitCase(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.grid_code(), kGrid);
    case_ids.push_back(response.case_id());
  }
  for (const std::string& id : case_ids) {
    ASSERT_TRUE(testing::WaitFor([&] { return testing::DispatchedCase(*replicas[0], id).version() == 1; })) << id;
  }

  std::vector<std::vector<Attempt>> attempts(kCases, std::vector<Attempt>(kCallersPerCase));
  for (int i = 0; i < kCases; ++i) {
    std::latch start(kCallersPerCase);
    std::vector<std::thread> callers;
    for (int k = 0; k < kCallersPerCase; ++k) {
      callers.emplace_back([&, i, k] {
        Attempt& attempt = attempts[i][k];
        attempt.request = RacingCommand(case_ids[i], k);
        grpc::ClientContext context;
        context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
        start.arrive_and_wait();
        attempt.status = replicas[k % replica_count]->ExecuteCommand(&context, attempt.request, &attempt.response);
      });
    }
    for (std::thread& caller : callers) caller.join();
  }

  int forked_answers = 0;
  for (int i = 0; i < kCases; ++i) {
    const Attempt* winner = nullptr;
    for (const Attempt& attempt : attempts[i]) {
      if (attempt.status.ok()) {
        if (winner != nullptr) ++forked_answers;
        winner = &attempt;
        continue;
      }
      EXPECT_EQ(attempt.status.error_code(), grpc::StatusCode::ABORTED) << attempt.status.error_message();
      EXPECT_NE(attempt.status.error_message().find("version 2 was taken by"), std::string::npos)
          << attempt.status.error_message();
    }
    EXPECT_NE(winner, nullptr) << case_ids[i] << ": no command won";
    if (winner == nullptr) continue;
    EXPECT_EQ(winner->response.event().event_id(), case_ids[i] + "/2");

    // The winner retries (its answer was lost): the original outcome, nothing new published.
    v1::CaseCommandResponse again;
    grpc::ClientContext context;
    grpc::Status retried = replicas[(i + 1) % replica_count]->ExecuteCommand(&context, winner->request, &again);
    EXPECT_TRUE(retried.ok()) << retried.error_message();
    if (retried.ok()) {
      EXPECT_EQ(again.event().SerializeAsString(), winner->response.event().SerializeAsString());
      EXPECT_EQ(again.case_().version(), 2);
    }
  }
  EXPECT_EQ(forked_answers, 0) << "callers told OK although another command won the same version";

  testing::Journal journal = testing::ReadJournal(fleet.prefix());
  EXPECT_EQ(journal.Forks(), 0);
  for (const std::string& id : case_ids) {
    auto key = std::make_pair(id, int64_t{2});
    EXPECT_EQ(journal.distinct[key].size(), 1u) << id;
    EXPECT_EQ(journal.records[key], 1) << id << ": version 2 written more than once";
    EXPECT_EQ(journal.distinct.count({id, 3}), 0u) << id << ": the retry published a new version";
  }

  // Live projections equal the fold of the log.
  const auto& infra = testing::TestInfra();
  std::string command = testing::BinaryPath("services/dispatch/dispatch-rebuild") +
                        " --kafka_brokers=" + infra.kafka_brokers + " --redis_addr=" + infra.redis_addr +
                        " --topic_prefix=" + fleet.prefix() + " --redis_prefix=" + fleet.prefix() +
                        " --target_prefix=" + testing::UniqueName("rebuilt") + ". 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find("identical"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Replicas, CommandRaceTest, ::testing::Values(1, 2, 3),
                         [](const ::testing::TestParamInfo<int>& info) { return absl::StrCat(info.param); });

}  // namespace
}  // namespace gridcase
