// One case per idempotency key, against the real Kafka broker and redis-server with the intake binary: concurrent
// SubmitCase calls with one key get one case, one `submitted` record on gridcase.intake.v1 and the same answer; a
// duplicate request sent concurrently is linked to the open case once; a key reused for a different request is
// refused; an intake killed between the publish and its record is taken over by
// the retry without a second, different event. Checked by reading the intake topic back from the start.
#include <latch>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/event.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

// Every `submitted` record on the intake topic, serialised, by case id.
std::map<std::string, std::vector<std::string>> SubmittedRecords(const testing::ServiceFleet& fleet) {
  std::map<std::string, std::vector<std::string>> records;
  absl::Status read = kafka::ReadTopics(
      testing::TestInfra().kafka_brokers, {events::Topics(fleet.prefix()).intake()},
      [&](const kafka::Message& message) {
        v1::CaseEvent event;
        if (!event.ParseFromString(message.value)) return absl::DataLossError("not a CaseEvent");
        if (event.has_submitted()) records[event.case_id()].push_back(message.value);
        return absl::OkStatus();
      },
      absl::Seconds(60));
  EXPECT_TRUE(read.ok()) << read;
  return records;
}

// Without a location: no grid, so no duplicate linking (which needs dispatch) — every key opens its own case.
v1::SubmitCaseRequest Request(const std::string& key, const std::string& text) {
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(key);
  request.set_channel(v1::CHANNEL_HOTLINE_12345);
  request.set_text(text);
  request.mutable_resident()->set_name("王女士");
  request.mutable_resident()->set_phone("13912345678");
  return request;
}

struct Outcome {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  v1::SubmitCaseResponse response;
};

Outcome Submit(v1::IntakeService::Stub& stub, const v1::SubmitCaseRequest& request) {
  Outcome outcome;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Status status = stub.SubmitCase(&context, request, &outcome.response);
  outcome.code = status.error_code();
  outcome.message = status.error_message();
  return outcome;
}

// The answer without the flag that tells the first caller from the others.
std::string AnswerOf(const v1::SubmitCaseResponse& response) {
  v1::SubmitCaseResponse copy = response;
  copy.clear_duplicate_submit();
  return copy.SerializeAsString();
}

// Fires every request at once (one thread each, released together) and returns the outcomes in order.
std::vector<Outcome> SubmitAtOnce(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::vector<v1::SubmitCaseRequest>& requests) {
  std::vector<Outcome> outcomes(requests.size());
  std::latch start(static_cast<std::ptrdiff_t>(requests.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      auto stub = v1::IntakeService::NewStub(channel);
      start.arrive_and_wait();
      outcomes[i] = Submit(*stub, requests[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  return outcomes;
}

TEST(IntakeIdempotencyE2eTest, ConcurrentSubmitsOfOneKeyMakeOneCaseOneEventOneAnswer) {
  testing::ServiceFleet fleet("intake-race");
  ASSERT_TRUE(fleet.Start("intake").ok());
  constexpr int kCallers = 48;
  std::string key = testing::UniqueName("race");
  std::vector<v1::SubmitCaseRequest> requests(kCallers, Request(key, "幸福里小区3号楼东侧井盖丢失，夜里有人踩空"));
  std::vector<Outcome> outcomes = SubmitAtOnce(fleet.Channel("intake"), requests);

  int first_answers = 0;
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.code, grpc::StatusCode::OK) << o.message;
    EXPECT_EQ(AnswerOf(o.response), AnswerOf(outcomes[0].response)) << "callers of one key got different answers";
    if (!o.response.duplicate_submit()) ++first_answers;
  }
  EXPECT_EQ(first_answers, 1);
  std::map<std::string, std::vector<std::string>> records = SubmittedRecords(fleet);
  ASSERT_EQ(records.size(), 1u) << "one key opened several cases";
  EXPECT_EQ(records.begin()->first, outcomes[0].response.case_id());
  EXPECT_EQ(records.begin()->second.size(), 1u) << "version 1 of " << records.begin()->first << " was published "
                                                << records.begin()->second.size() << " times";
}

TEST(IntakeIdempotencyE2eTest, ConcurrentBatchOfManyKeysMakesOneCaseAndOneEventPerKey) {
  testing::ServiceFleet fleet("intake-batch");
  ASSERT_TRUE(fleet.Start("intake").ok());
  constexpr int kKeys = 40;
  constexpr int kCallersPerKey = 6;
  std::vector<v1::SubmitCaseRequest> requests;
  for (int k = 0; k < kKeys; ++k) {
    v1::SubmitCaseRequest request =
        Request(testing::UniqueName(absl::StrCat("batch", k)), absl::StrCat("第", k, "号路灯不亮，请尽快修理"));
    for (int c = 0; c < kCallersPerKey; ++c) requests.push_back(request);
  }
  std::vector<Outcome> outcomes = SubmitAtOnce(fleet.Channel("intake"), requests);

  std::map<std::string, std::string> case_of_key;
  std::set<std::string> case_ids;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome& o = outcomes[i];
    ASSERT_EQ(o.code, grpc::StatusCode::OK) << o.message;
    const Outcome& first_of_key = outcomes[i - i % kCallersPerKey];
    EXPECT_EQ(AnswerOf(o.response), AnswerOf(first_of_key.response)) << requests[i].idempotency_key();
    case_of_key[requests[i].idempotency_key()] = o.response.case_id();
    case_ids.insert(o.response.case_id());
  }
  EXPECT_EQ(case_ids.size(), static_cast<size_t>(kKeys)) << "different keys must get different cases";
  std::map<std::string, std::vector<std::string>> records = SubmittedRecords(fleet);
  EXPECT_EQ(records.size(), static_cast<size_t>(kKeys));
  for (const auto& [case_id, copies] : records) {
    EXPECT_TRUE(case_ids.contains(case_id)) << case_id << " was published but answered to nobody";
    EXPECT_EQ(copies.size(), 1u) << "version 1 of " << case_id << " was published " << copies.size() << " times";
  }
}

TEST(IntakeIdempotencyE2eTest, ConcurrentSubmitsOfOneDuplicateRequestLinkItOnce) {
  testing::ServiceFleet fleet("intake-link-race");
  ASSERT_TRUE(fleet.Start("dispatch").ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto stub = v1::IntakeService::NewStub(fleet.Channel("intake"));
  auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
  v1::SubmitCaseRequest open = Request(testing::UniqueName("open"), "翠苑路口井盖松动，车开过去哐哐响");
  open.mutable_point()->set_lat(30.2526);
  open.mutable_point()->set_lng(120.1521);
  Outcome opened = Submit(*stub, open);
  ASSERT_EQ(opened.code, grpc::StatusCode::OK) << opened.message;
  ASSERT_TRUE(testing::WaitFor([&] {
    grpc::ClientContext context;
    v1::GetCaseRequest get;
    get.set_case_id(opened.response.case_id());
    v1::Case c;
    return dispatch->GetCase(&context, get, &c).ok();
  }));

  // One resident's report of the same manhole, sent by 24 callers at once with one key.
  std::string key = testing::UniqueName("dup");
  v1::SubmitCaseRequest duplicate = Request(key, "翠苑路口的井盖松动了，车一开过就哐哐响！");
  duplicate.mutable_point()->set_lat(30.2524);
  duplicate.mutable_point()->set_lng(120.1519);
  duplicate.mutable_resident()->set_phone("13833334444");
  std::vector<Outcome> outcomes = SubmitAtOnce(fleet.Channel("intake"), std::vector(24, duplicate));
  for (const Outcome& o : outcomes) {
    ASSERT_EQ(o.code, grpc::StatusCode::OK) << o.message;
    EXPECT_EQ(o.response.linked_to_case_id(), opened.response.case_id());
    EXPECT_EQ(AnswerOf(o.response), AnswerOf(outcomes[0].response)) << "callers of one key got different answers";
  }

  std::string request_ref = absl::StrCat("CHANNEL_HOTLINE_12345:", key);
  int links = 0;
  int submitted = 0;
  absl::Status read = kafka::ReadTopics(
      testing::TestInfra().kafka_brokers, {events::Topics(fleet.prefix()).intake()},
      [&](const kafka::Message& message) {
        v1::CaseEvent event;
        if (!event.ParseFromString(message.value)) return absl::DataLossError("not a CaseEvent");
        if (event.has_submitted()) ++submitted;
        if (event.has_co_requester_added() && event.co_requester_added().request_ref() == request_ref) ++links;
        return absl::OkStatus();
      },
      absl::Seconds(60));
  ASSERT_TRUE(read.ok()) << read;
  EXPECT_EQ(links, 1) << "the co-requester was added " << links << " times";
  EXPECT_EQ(submitted, 1) << "the duplicate opened a case of its own as well";
}

TEST(IntakeIdempotencyE2eTest, KeyReusedForADifferentRequestIsRefusedNamingKeyAndCase) {
  testing::ServiceFleet fleet("intake-reuse");
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto stub = v1::IntakeService::NewStub(fleet.Channel("intake"));
  std::string key = testing::UniqueName("reuse");
  Outcome first = Submit(*stub, Request(key, "小区门口垃圾桶满了没人清"));
  ASSERT_EQ(first.code, grpc::StatusCode::OK) << first.message;
  Outcome other = Submit(*stub, Request(key, "楼道里的灯坏了"));
  EXPECT_EQ(other.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(other.message, absl::StrCat("idempotency_key: ", key, " was already used for a different request (case ",
                                        first.response.case_id(), ")"));
  Outcome same = Submit(*stub, Request(key, "小区门口垃圾桶满了没人清"));
  ASSERT_EQ(same.code, grpc::StatusCode::OK) << same.message;
  EXPECT_EQ(same.response.case_id(), first.response.case_id());
  EXPECT_TRUE(same.response.duplicate_submit());
  std::map<std::string, std::vector<std::string>> records = SubmittedRecords(fleet);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records.begin()->second.size(), 1u);
}

TEST(IntakeIdempotencyE2eTest, RetryAfterACrashBetweenPublishAndRecordKeepsTheCaseAndItsEvent) {
  testing::ServiceFleet fleet("intake-crash");
  // A short lease, so that the retry takes the dead attempt's key over quickly.
  ASSERT_TRUE(fleet.Start("intake", {"--submit_lease=1s"}, {{"GRIDCASE_CRASH_AT", "intake.after_publish"}}).ok());
  std::string key = testing::UniqueName("crash");
  v1::SubmitCaseRequest request = Request(key, "河道里有大量死鱼，气味很重");
  {
    auto stub = v1::IntakeService::NewStub(fleet.Channel("intake"));
    Outcome crashed = Submit(*stub, request);
    EXPECT_NE(crashed.code, grpc::StatusCode::OK) << "intake should have died at the crash point";
  }
  fleet.Kill("intake");  // Reaps the process that killed itself.
  ASSERT_TRUE(fleet.Start("intake", {"--submit_lease=1s"}).ok());
  auto stub = v1::IntakeService::NewStub(fleet.Channel("intake"));
  Outcome retry;
  // The retry may arrive while the dead attempt's lease still runs: it waits for it, then takes over.
  ASSERT_TRUE(testing::WaitFor([&] { return (retry = Submit(*stub, request)).code == grpc::StatusCode::OK; },
                               absl::Seconds(30), absl::Milliseconds(200)))
      << retry.message;
  Outcome again = Submit(*stub, request);
  ASSERT_EQ(again.code, grpc::StatusCode::OK) << again.message;
  EXPECT_EQ(AnswerOf(again.response), AnswerOf(retry.response));

  std::map<std::string, std::vector<std::string>> records = SubmittedRecords(fleet);
  ASSERT_EQ(records.size(), 1u) << "the retry opened another case";
  EXPECT_EQ(records.begin()->first, retry.response.case_id());
  // The crashed attempt's record is on Kafka; the retry may republish it, but only byte for byte.
  for (const std::string& copy : records.begin()->second) {
    EXPECT_EQ(copy, records.begin()->second.front()) << "a second, different version 1 of " << records.begin()->first;
  }
}

}  // namespace
}  // namespace gridcase
