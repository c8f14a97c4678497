#pragma once

#include <memory>

#include "absl/time/time.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "grpcpp/channel.h"
#include "services/feedback/core/rating_desk.h"

namespace gridcase::feedback {

// CaseCommander over dispatch's gRPC API (--dispatch_addr). gRPC codes become absl codes unchanged; a call that does
// not answer within `timeout` is DEADLINE_EXCEEDED. Thread-safe.
class DispatchCommander : public CaseCommander {
 public:
  explicit DispatchCommander(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(5))
      : stub_(v1::DispatchService::NewStub(std::move(channel))), timeout_(timeout) {}

  absl::StatusOr<v1::Case> GetCase(const std::string& case_id) override;
  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(const std::string& case_id) override;
  absl::StatusOr<v1::Case> Execute(v1::CaseCommandRequest request) override;

 private:
  std::unique_ptr<v1::DispatchService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace gridcase::feedback
