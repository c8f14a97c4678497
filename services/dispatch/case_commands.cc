#include "services/dispatch/case_commands.h"

#include "absl/strings/str_cat.h"
#include "libs/case/case_fold.h"
#include "libs/log/log.h"
#include "libs/server/grpc_status.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {

absl::StatusOr<CommandResult> CaseCommands::Execute(const std::string& case_id, const Command& command,
                                                    const v1::Actor& actor, int64_t expected_version,
                                                    const std::string& correlation_id) {
  if (case_id.empty()) return server::FieldError("case_id", "must not be empty");
  auto current = store_->Load(case_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));

  auto event = machine_->Decide(**current, command, actor, expected_version, clock_());
  if (!event.ok()) return event.status();
  event->set_correlation_id(correlation_id);

  auto claimed = claims_->Claim(case_id, event->case_version(), event->event_id());
  if (!claimed.ok()) return claimed.status();
  if (!*claimed) {
    return absl::AbortedError(absl::StrCat("case ", case_id, " changed concurrently: version ",
                                           event->case_version(), " is taken; read the case again"));
  }
  if (absl::Status s = publisher_->Publish(*event); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("event not confirmed by Kafka: ", s.message()));
  }
  auto after = cases::ApplyEvent(**current, *event);
  if (!after.ok()) return after.status();
  // The event is durable; if Redis fails here the stage consumer applies it shortly.
  if (auto outcome = store_->Apply(*event, *after, *current); !outcome.ok()) {
    spdlog::warn("msg=apply_deferred case_id={} version={} error={}", case_id, event->case_version(),
                 log::Quote(outcome.status().ToString()));
  }
  return CommandResult{*std::move(after), *std::move(event)};
}

}  // namespace gridcase::dispatch
