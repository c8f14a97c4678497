#pragma once

#include <string>
#include <vector>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"

namespace gridcase::testing {

// The case as dispatch projects it; an empty Case (id "") when dispatch does not know it yet or does not answer.
inline v1::Case DispatchedCase(v1::DispatchService::Stub& dispatch, const std::string& case_id) {
  grpc::ClientContext context;
  v1::GetCaseRequest request;
  request.set_case_id(case_id);
  v1::Case c;
  if (!dispatch.GetCase(&context, request, &c).ok()) return v1::Case();
  return c;
}

// Submits `text` as a 12345 hotline call from a resident (fresh idempotency key from `stem`) and waits until
// dispatch has projected the case at version 1; returns it (empty when either step failed, which the test reports).
inline v1::Case SubmitHotlineCase(v1::IntakeService::Stub& intake, v1::DispatchService::Stub& dispatch,
                                  const std::string& stem, const std::string& text) {
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(UniqueName(stem));
  request.set_channel(v1::CHANNEL_HOTLINE_12345);
  request.set_text(text);
  request.mutable_resident()->set_name("王小明");
  request.mutable_resident()->set_phone("13712345678");
  v1::SubmitCaseResponse response;
  grpc::ClientContext context;
  grpc::Status status = intake.SubmitCase(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (!status.ok()) return v1::Case();
  v1::Case c;
  EXPECT_TRUE(WaitFor([&] { return (c = DispatchedCase(dispatch, response.case_id())).version() == 1; }))
      << response.case_id();
  return c;
}

// The case's events as dispatch's timeline holds them (empty when dispatch does not answer).
inline std::vector<v1::CaseEvent> CaseTimeline(v1::DispatchService::Stub& dispatch, const std::string& case_id) {
  grpc::ClientContext context;
  v1::GetCaseTimelineRequest request;
  request.set_case_id(case_id);
  v1::CaseTimeline timeline;
  EXPECT_TRUE(dispatch.GetCaseTimeline(&context, request, &timeline).ok()) << case_id;
  return {timeline.events().begin(), timeline.events().end()};
}

// Runs `request` as `actor` on the case at its current version, with a fresh request id; the test fails if refused.
inline void RunCommand(v1::DispatchService::Stub& dispatch, const std::string& case_id, const v1::Actor& actor,
                       v1::CaseCommandRequest request) {
  request.set_case_id(case_id);
  request.set_expected_version(DispatchedCase(dispatch, case_id).version());
  *request.mutable_actor() = actor;
  request.set_request_id(UniqueName("req"));
  v1::CaseCommandResponse response;
  grpc::ClientContext context;
  grpc::Status status = dispatch.ExecuteCommand(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

}  // namespace gridcase::testing
