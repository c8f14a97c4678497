#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::dispatch {

// Who owns one version of a case: the event decided for it, the case after it, and whether Kafka confirmed it.
struct VersionClaim {
  v1::CaseEvent event;
  v1::Case after;
  bool published = false;
  absl::Time claimed_at;
};

// What Claim found.
enum class ClaimOutcome {
  kClaimed,  // This call took the version; publish the event.
  kTaken,    // Another event owns the version: `holder`.
  kReplay,   // The request id already claimed a version of this case (a retried command): `holder` is its claim.
};

struct ClaimResult {
  ClaimOutcome outcome;
  std::optional<VersionClaim> holder;
};

// The single-writer point of every case version after the first (版本占位). A version is claimed once, before its
// event is published, and is never released: an event whose publish failed or timed out keeps its version as a
// pending claim until it is published again (by a retry of the same request, by the next command on that version,
// or by the resolver of pending claims), so a version is neither forked nor lost. Shared by all dispatch replicas.
// Implementations are thread-safe.
class VersionClaims {
 public:
  virtual ~VersionClaims() = default;

  // Atomically: if `request_id` (non-empty) claimed a version of this case before → kReplay; else if the event's
  // (case, version) is free and the projections do not hold that version yet → claim it for `event` (pending) →
  // kClaimed; else → kTaken (by the claim, or by the projected event when the claim is gone).
  virtual absl::StatusOr<ClaimResult> Claim(const v1::CaseEvent& event, const v1::Case& after,
                                            const std::string& request_id) = 0;
  // The claim of (case, version), if any.
  virtual absl::StatusOr<std::optional<VersionClaim>> Get(const std::string& case_id, int64_t version) = 0;
  // The claim a request id made on this case, if any (request ids are kept for the idempotency window).
  virtual absl::StatusOr<std::optional<VersionClaim>> FindRequest(const std::string& case_id,
                                                                  const std::string& request_id) = 0;
  // Kafka confirmed the claimed event; the claim leaves the pending list.
  virtual absl::Status MarkPublished(const std::string& case_id, int64_t version) = 0;
  // Takes up to `limit` pending claims made before `claimed_before` for republishing; a claim taken is not handed out
  // again for `lease` (another replica may be republishing it).
  virtual absl::StatusOr<std::vector<VersionClaim>> TakePending(absl::Time claimed_before, absl::Duration lease,
                                                                int limit) = 0;
};

}  // namespace gridcase::dispatch
