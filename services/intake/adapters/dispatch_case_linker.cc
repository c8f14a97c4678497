#include "services/intake/adapters/dispatch_case_linker.h"

#include <chrono>

namespace gridcase::intake {
namespace {

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

absl::StatusOr<v1::Case> DispatchCaseLinker::AddCoRequester(const std::string& case_id, const v1::Resident& resident,
                                                            const std::string& request_ref, const std::string& text) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    grpc::ClientContext read_context;
    read_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetCaseRequest get;
    get.set_case_id(case_id);
    v1::Case current;
    if (grpc::Status s = stub_->GetCase(&read_context, get, &current); !s.ok()) return FromGrpc(s);

    v1::CaseCommandRequest command;
    command.set_case_id(case_id);
    command.set_expected_version(current.version());
    command.mutable_actor()->set_role(v1::ROLE_SYSTEM);
    command.mutable_actor()->set_person_id("intake");
    command.mutable_actor()->set_unit_code("intake");
    command.set_request_id(request_ref);
    *command.mutable_add_co_requester()->mutable_resident() = resident;
    command.mutable_add_co_requester()->set_request_ref(request_ref);
    command.mutable_add_co_requester()->set_text(text);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CaseCommandResponse response;
    grpc::Status status = stub_->ExecuteCommand(&context, command, &response);
    if (status.ok()) return response.case_();
    last = FromGrpc(status);
    if (status.error_code() != grpc::StatusCode::ABORTED) break;
  }
  return last;
}

}  // namespace gridcase::intake
