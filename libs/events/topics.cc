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

std::map<std::string, std::string> Topics::LogConfigs(kafka::Replication replication) {
  return {{"retention.ms", "-1"},
          {"retention.bytes", "-1"},
          {"min.insync.replicas", absl::StrCat(replication.min_insync)}};
}

std::vector<kafka::TopicSpec> Topics::Specs(int partitions, kafka::Replication replication) const {
  std::vector<kafka::TopicSpec> specs;
  for (const std::string& topic : CaseTopics()) {
    for (auto [name, count] : {std::pair{topic, partitions}, std::pair{topic + ".dlt", 1}}) {
      specs.push_back({.name = name,
                       .partitions = count,
                       .replication_factor = replication.factor,
                       .configs = LogConfigs(replication)});
    }
  }
  specs.push_back({.name = audit(),
                   .partitions = partitions,
                   .replication_factor = replication.factor,
                   .configs = LogConfigs(replication)});
  return specs;
}

kafka::TopicSpec Topics::AdvisorySpec(std::string name, int partitions, kafka::Replication replication) {
  return {.name = std::move(name),
          .partitions = partitions,
          .replication_factor = replication.factor,
          .configs = {{"retention.ms", absl::StrCat(absl::ToInt64Milliseconds(kAdvisoryRetention))},
                      {"min.insync.replicas", absl::StrCat(replication.min_insync)}}};
}

}  // namespace gridcase::events
