#include "bench/chain_driver.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"

namespace gridcase::bench {
namespace {

v1::Actor Actor(v1::Role role, const std::string& unit) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_unit_code(unit);
  actor.set_person_id("bench");
  return actor;
}

}  // namespace

ChainCase DriveCase(v1::IntakeService::Stub& intake, v1::DispatchService::Stub& dispatch, const std::string& key,
                    int n) {
  ChainCase run;
  absl::Time start = absl::Now();
  v1::SubmitCaseRequest submit;
  submit.set_idempotency_key(key);
  submit.set_channel(v1::CHANNEL_HOTLINE_12345);
  submit.set_text(absl::StrCat("第", n, "号路灯不亮（压测）"));
  v1::SubmitCaseResponse submitted;
  grpc::ClientContext submit_context;
  submit_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (grpc::Status s = intake.SubmitCase(&submit_context, submit, &submitted); !s.ok()) {
    run.error = absl::StrCat("SubmitCase: ", s.error_message());
    return run;
  }
  // Dispatch projects the submitted event from Kafka; the scripted grid worker waits for it like a real one would.
  // Backing off keeps the handlers' reads from taking the CPU the projection needs when the machine is loaded.
  v1::Case c;
  const absl::Time answered = absl::Now();
  absl::Duration pause = absl::Milliseconds(2);
  for (absl::Time give_up = answered + absl::Seconds(4); absl::Now() < give_up;) {
    grpc::ClientContext context;
    v1::GetCaseRequest get;
    get.set_case_id(submitted.case_id());
    if (dispatch.GetCase(&context, get, &c).ok()) break;
    absl::SleepFor(pause);
    pause = std::min(2 * pause, absl::Milliseconds(16));
  }
  run.projection_seconds = absl::ToDoubleSeconds(absl::Now() - answered);
  if (c.version() != 1) {
    run.error = absl::StrCat(submitted.case_id(), " was not projected by dispatch within 4 s");
    return run;
  }

  const std::string grid = "330199001001001";
  std::vector<std::pair<v1::Actor, v1::CaseCommandRequest>> steps(5);
  steps[0].first = Actor(v1::ROLE_GRID_WORKER, grid);
  steps[0].second.mutable_verify_grid()->set_grid_code(grid);
  steps[0].second.mutable_verify_grid()->set_catalogue_item("municipal.street-light");
  steps[1].first = Actor(v1::ROLE_COMMUNITY, "330199001001");
  steps[1].second.mutable_community_escalate()->set_reason("需城管维修");
  steps[2].first = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, "330199001");
  steps[2].second.mutable_township_dispatch();
  steps[3].first = Actor(v1::ROLE_DEPARTMENT_HANDLER, "330199.zfj");
  steps[3].second.mutable_department_accept();
  steps[4].first = Actor(v1::ROLE_DEPARTMENT_HANDLER, "330199.zfj");
  steps[4].second.mutable_resolve()->set_reply("已修复");
  int64_t version = 1;
  for (auto& [actor, request] : steps) {
    request.set_case_id(submitted.case_id());
    request.set_expected_version(version);
    *request.mutable_actor() = actor;
    v1::CaseCommandResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    absl::Time sent = absl::Now();
    grpc::Status status = dispatch.ExecuteCommand(&context, request, &response);
    run.command_seconds.push_back(absl::ToDoubleSeconds(absl::Now() - sent));
    if (!status.ok()) {
      run.error = absl::StrCat("ExecuteCommand: ", status.error_message());
      return run;
    }
    version = response.case_().version();
  }
  run.ok = version == 6;
  if (!run.ok) run.error = absl::StrCat(submitted.case_id(), " ended at version ", version);
  run.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return run;
}

}  // namespace gridcase::bench
