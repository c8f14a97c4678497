#include "services/intake/open311/intake_backend.h"

namespace gridcase::intake::open311 {

absl::StatusOr<v1::SubmitCaseResponse> IntakeBackend::Submit(const v1::SubmitCaseRequest& request) {
  // The gateway has checked the client's API key; intake records the Open311 front end as the submitter.
  v1::Actor gateway;
  gateway.set_role(v1::ROLE_SYSTEM);
  gateway.set_person_id("open311");
  return intake_->Submit(request, gateway);
}

absl::StatusOr<v1::Case> IntakeBackend::GetCase(const std::string& case_id) { return intake_->GetCase(case_id); }

absl::StatusOr<v1::ListCasesResponse> IntakeBackend::ListCases(const v1::ListCasesRequest& request) {
  return intake_->ListCases(request);
}

}  // namespace gridcase::intake::open311
