#pragma once

#include "services/intake/core/intake.h"
#include "services/intake/open311/open311_backend.h"

namespace gridcase::intake::open311 {

// The gateway's backend in the intake process: intake's core, called in-process.
class IntakeBackend final : public Open311Backend {
 public:
  // `intake` must outlive the backend.
  explicit IntakeBackend(Intake* intake) : intake_(intake) {}

  absl::StatusOr<v1::SubmitCaseResponse> Submit(const v1::SubmitCaseRequest& request) override;
  absl::StatusOr<v1::Case> GetCase(const std::string& case_id) override;
  absl::StatusOr<v1::ListCasesResponse> ListCases(const v1::ListCasesRequest& request) override;

 private:
  Intake* intake_;
};

}  // namespace gridcase::intake::open311
