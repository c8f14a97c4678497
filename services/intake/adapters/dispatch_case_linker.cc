#include "services/intake/adapters/dispatch_case_linker.h"

#include <chrono>

#include "absl/time/clock.h"

namespace gridcase::intake {
namespace {

constexpr absl::Duration kProjectionWait = absl::Seconds(5);

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace

absl::StatusOr<v1::Case> DispatchCaseLinker::AddCoRequester(const std::string& case_id, const v1::Resident& resident,
                                                            const std::string& request_ref, const std::string& text) {
  absl::Status last;
  absl::Time give_up = absl::Now() + kProjectionWait;
  for (int attempt = 0; attempt < 3; ++attempt) {
    v1::Case current;
    while (true) {
      grpc::ClientContext read_context;
      read_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::GetCaseRequest get;
      get.set_case_id(case_id);
      grpc::Status s = stub_->GetCase(&read_context, get, &current);
      if (s.ok()) break;
      // The open case was submitted moments ago and dispatch has not projected it yet: wait for it a little.
      if (s.error_code() != grpc::StatusCode::NOT_FOUND || absl::Now() > give_up) return FromGrpc(s);
      absl::SleepFor(absl::Milliseconds(100));
    }

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
