#include "libs/events/topics.h"

#include "absl/strings/str_cat.h"

namespace gridcase::events {

std::vector<std::string> Topics::CaseTopics() const {
  return {intake(), verification(), community(), township(), department(), feedback(), sla()};
}

std::string Topics::ForEvent(const v1::CaseEvent& event) const {
  using P = v1::CaseEvent::PayloadCase;
  switch (event.payload_case()) {
    case P::kSubmitted:
    case P::kCoRequesterAdded:
    case P::kPersonalDataErased:
      return intake();
    case P::kGridVerified:
    case P::kGridMarkedInvalid:
    case P::kGridMarkedDuplicate:
      return verification();
    case P::kCommunityHandledLocally:
    case P::kCommunityEscalated:
      return community();
    case P::kTownshipDispatched:
    case P::kExtensionDecided:
      return township();
    case P::kDepartmentAccepted:
    case P::kDepartmentTransferred:
    case P::kDepartmentReturned:
    case P::kExtensionRequested:
    case P::kResolved:
    case P::kPaused:
    case P::kResumed:
      return department();
    case P::kResidentRated:
    case P::kReopened:
    case P::kClosed:
      return feedback();
    case P::kEscalated:
    case P::kSlaWarned:
    case P::kSlaBreached:
    case P::kDeadlineSet:
    case P::PAYLOAD_NOT_SET:
      return sla();
  }
  return sla();
}

}  // namespace gridcase::events
