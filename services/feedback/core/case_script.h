#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::feedback::testing {

// Builds the event history of one case as dispatch and the SLA service would publish it: versioned events with the
// actors the state machine requires, and the SLA service's advisories with its event ids. For tests.
class CaseScript {
 public:
  CaseScript(std::string case_id, absl::Time created, v1::Channel channel, v1::Category category,
             std::string title = "群众诉求");

  // Where intake placed the request (its location's grid, community, township and county).
  CaseScript& Located(const std::string& grid);
  CaseScript& Resident(const std::string& name, const std::string& phone, const std::string& resident_id);
  // 网格核单 by `person` of the grid; community and township are the grid's parents.
  CaseScript& Verify(absl::Time at, const std::string& grid, const std::string& item, const std::string& person);
  CaseScript& MarkInvalid(absl::Time at, const std::string& grid, const std::string& person);
  CaseScript& HandleLocally(absl::Time at);
  CaseScript& CommunityEscalate(absl::Time at);
  CaseScript& Dispatch(absl::Time at, const std::string& department);
  CaseScript& Accept(absl::Time at);
  CaseScript& Transfer(absl::Time at, const std::string& to_department);
  CaseScript& Resolve(absl::Time at, const std::string& reply = "已处理");
  CaseScript& Rate(absl::Time at, v1::Satisfaction satisfaction, bool solved, const std::string& comment = "");
  CaseScript& Reopen(absl::Time at);  // By feedback, back to the resolver.
  CaseScript& Escalate(absl::Time at, v1::Level to, const std::string& unit);
  CaseScript& Close(absl::Time at, v1::CaseClosed::Reason reason);
  // Advisories of the SLA service.
  CaseScript& SignOffDeadline(int64_t start_version, int cycle, absl::Time due, int64_t announced_by);
  CaseScript& SignOffBreach(int64_t start_version, int cycle, absl::Time at);
  CaseScript& CompletionDeadline(int cycle, absl::Time due, int64_t announced_by);
  CaseScript& CompletionBreach(int cycle, absl::Time at);

  const std::vector<v1::CaseEvent>& events() const { return events_; }
  int64_t version() const { return version_; }
  int cycle() const { return cycle_; }
  const std::string& id() const { return id_; }

 private:
  v1::CaseEvent& Next(absl::Time at, v1::Role role, const std::string& unit, const std::string& person);
  v1::CaseEvent& Advisory(const std::string& suffix, absl::Time at);

  std::string id_;
  int64_t version_ = 0;
  int cycle_ = 1;
  std::string grid_, community_, township_, department_;
  std::vector<v1::CaseEvent> events_;
};

}  // namespace gridcase::feedback::testing
