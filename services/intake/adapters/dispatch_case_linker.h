#pragma once

#include <memory>

#include "gridcase/v1/dispatch.grpc.pb.h"
#include "grpcpp/channel.h"
#include "services/intake/core/duplicates.h"

namespace gridcase::intake {

// CaseLinker over dispatch's gRPC API: reads the open case's version and runs AddCoRequester as ROLE_SYSTEM (unit
// "intake"), retrying a few times when another command got in first.
class DispatchCaseLinker : public CaseLinker {
 public:
  explicit DispatchCaseLinker(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::DispatchService::NewStub(std::move(channel))) {}

  absl::StatusOr<v1::Case> AddCoRequester(const std::string& case_id, const v1::Resident& resident,
                                          const std::string& request_ref, const std::string& text) override;

 private:
  std::unique_ptr<v1::DispatchService::Stub> stub_;
};

}  // namespace gridcase::intake
