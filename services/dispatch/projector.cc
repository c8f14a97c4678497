#include "services/dispatch/projector.h"

#include "absl/strings/str_cat.h"
#include "libs/case/case_fold.h"
#include "libs/kafka/case_wait.h"

namespace gridcase::dispatch {

absl::StatusOr<ApplyOutcome> Projector::Project(const v1::CaseEvent& event) {
  if (event.case_version() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("case_version: ", event.case_version(), " does not change a case"));
  }
  // A deadline recorded between the read and the write makes the fold start again from the new view.
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // A case's first version is applied without a read: the versioned write itself finds a view that exists already
    // (a redelivery) and changes nothing.
    auto before = event.case_version() == 1 && attempt == 0
                      ? absl::StatusOr<std::optional<v1::Case>>(std::nullopt)
                      : store_->Load(event.case_id());
    if (!before.ok()) return before.status();
    int64_t current = before->has_value() ? (*before)->version() : 0;
    if (event.case_version() <= current) return ApplyOutcome::kDuplicate;
    if (event.case_version() > current + 1) {
      return kafka::WaitForEarlierRecord(absl::StrCat("case ", event.case_id(), " is at version ", current,
                                                      "; waiting for version ", current + 1, " before ",
                                                      event.case_version()));
    }
    auto after = cases::ApplyEvent(before->value_or(v1::Case()), event);
    if (!after.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("event ", event.event_id(), " cannot apply: ", after.status().message()));
    }
    auto outcome = store_->Apply(event, *after, *before);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ApplyOutcome::kDueChanged) continue;
    if (*outcome == ApplyOutcome::kGap) {
      return absl::UnavailableError(absl::StrCat("case ", event.case_id(), " changed concurrently; retrying"));
    }
    return *outcome;
  }
  return absl::UnavailableError(absl::StrCat("case ", event.case_id(), " kept changing while version ",
                                             event.case_version(), " was applied; retrying"));
}

}  // namespace gridcase::dispatch
