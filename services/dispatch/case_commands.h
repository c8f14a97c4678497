#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "libs/events/event_publisher.h"
#include "libs/privacy/personal_data.h"
#include "services/dispatch/core/case_machine.h"
#include "services/dispatch/projector.h"
#include "services/dispatch/version_claims.h"

namespace gridcase::dispatch {

struct CommandResult {
  v1::Case after;
  v1::CaseEvent event;
};

// What ErasePersonalData did to one case.
struct ErasureResult {
  std::string case_id;
  std::vector<std::string> key_ids;  // The case's data keys erased (now or before).
  int64_t version = 0;               // The PersonalDataErased event's version; 0 when there was nothing to record.
};

// Runs handlers' commands: reads the case, asks the state machine for the event, claims the version, publishes the
// event (durable on Kafka before anything else), and applies it to the projections at once so the handler reads its
// own write. The stage consumer applies the same event again later as a no-op.
//
// Guarantees (with any number of dispatch replicas sharing one Redis):
// - Of any number of commands decided at the same case version, exactly one is published; every other is refused
//   with ABORTED naming the version and the event that took it (type and actor).
// - A command retried with the same request id returns the original outcome and publishes nothing new, whatever the
//   case's version is now.
// - A claimed event whose publish failed or timed out keeps its version: it is published by the retry, by the next
//   command at that version, or by ResolvePending — never replaced by another event.
class CaseCommands {
 public:
  using Clock = std::function<absl::Time()>;

  // All pointers must outlive this object. A claim Kafka has not confirmed within `settle_after` is presumed
  // abandoned (its process died, or Kafka failed) and is published again by whoever meets it next.
  // `personal_data` seals the residents that commands bring (AddCoRequester) before their event is claimed, and
  // erases data keys; null only in tests of other commands (residents then stay as given, erasure is refused).
  CaseCommands(ProjectionStore* store, VersionClaims* claims, events::EventPublisher* publisher,
               const CaseMachine* machine, Clock clock, absl::Duration settle_after = absl::Seconds(3),
               privacy::PersonalData* personal_data = nullptr)
      : store_(store), projector_(store), claims_(claims), publisher_(publisher), machine_(machine),
        clock_(std::move(clock)), settle_after_(settle_after), personal_data_(personal_data) {}

  // Errors: NOT_FOUND for an unknown case; the state machine's errors (INVALID_ARGUMENT, ABORTED,
  // FAILED_PRECONDITION, PERMISSION_DENIED); ABORTED when another command took the version first; UNAVAILABLE
  // when Kafka or Redis failed — after the version was claimed the command is accepted but not yet confirmed: retry
  // with the same request id to learn its outcome.
  absl::StatusOr<CommandResult> Execute(const std::string& case_id, const Command& command, const v1::Actor& actor,
                                        int64_t expected_version, const std::string& request_id);

  // Crypto-shredding of a case's residents: erases the data keys `key_ids` of the case (every key of the case when
  // empty) in the key store — from then on nothing they sealed can be read anywhere — and then records one
  // PersonalDataErased event naming the erased keys of the residents the case view still shows sealed, through the
  // same claim and publish as every command (one event per version). Idempotent and safe to repeat after a failure
  // between the two steps: a repeat erases the same keys again (a no-op) and records the event if it is missing;
  // when every resident is already erased in the view nothing is recorded (version 0). The caller's scope is checked
  // by the caller. Errors: NOT_FOUND for an unknown case; UNAVAILABLE when Redis or Kafka failed (retry);
  // ABORTED when the case kept changing under it.
  absl::StatusOr<ErasureResult> ErasePersonalData(const std::string& case_id, const std::vector<std::string>& key_ids,
                                                  v1::PersonalDataErased::Reason reason, const std::string& note,
                                                  const v1::Actor& actor, const std::string& request_id);

  // Publishes claims left pending for longer than `settle_after` and applies them. Returns how many were confirmed.
  absl::StatusOr<int> ResolvePending();

 private:
  // Publishes the claim's event if Kafka has not confirmed it yet, records the confirmation and applies the event.
  // With `abandoned`, the claim was left by another attempt whose publish may have reached Kafka: if the case is
  // already projected at the claim's version, that publish did, and the event is not written again.
  // `before`, when given, is the case the event was decided on.
  absl::StatusOr<CommandResult> Complete(VersionClaim claim, bool abandoned = false,
                                         const std::optional<v1::Case>* before = nullptr);
  // A retried request whose claim is still pending: waits for the first attempt's publish to be confirmed, and
  // publishes the event itself once the claim is presumed abandoned.
  absl::StatusOr<CommandResult> Replay(VersionClaim claim);
  // Why an ABORTED command lost: names what took `version`, if known.
  std::string TakenBy(const std::string& case_id, int64_t version);

  ProjectionStore* store_;
  Projector projector_;
  VersionClaims* claims_;
  events::EventPublisher* publisher_;
  const CaseMachine* machine_;
  Clock clock_;
  absl::Duration settle_after_;
  privacy::PersonalData* personal_data_;
};

}  // namespace gridcase::dispatch
