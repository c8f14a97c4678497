#include "services/feedback/core/case_script.h"

#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "libs/registry/grid_code.h"

namespace gridcase::feedback::testing {

CaseScript::CaseScript(std::string case_id, absl::Time created, v1::Channel channel, v1::Category category,
                       std::string title)
    : id_(std::move(case_id)) {
  v1::CaseEvent& e = Next(created, v1::ROLE_HOTLINE_OPERATOR, "", "operator-1");
  v1::Case& c = *e.mutable_submitted()->mutable_initial();
  c.set_id(id_);
  c.set_channel(channel);
  c.set_category(category);
  c.set_title(title);
  c.set_text(title);
  *c.mutable_created_at() = events::ToProto(created);
}

v1::CaseEvent& CaseScript::Next(absl::Time at, v1::Role role, const std::string& unit, const std::string& person) {
  ++version_;
  v1::CaseEvent& e = events_.emplace_back();
  e.set_event_id(absl::StrCat(id_, "/", version_));
  e.set_case_id(id_);
  e.set_case_version(version_);
  *e.mutable_occurred_at() = events::ToProto(at);
  e.mutable_actor()->set_role(role);
  e.mutable_actor()->set_unit_code(unit);
  e.mutable_actor()->set_person_id(person);
  return e;
}

v1::CaseEvent& CaseScript::Advisory(const std::string& suffix, absl::Time at) {
  v1::CaseEvent& e = events_.emplace_back();
  e.set_event_id(absl::StrCat(id_, "/sla/", suffix));
  e.set_case_id(id_);
  e.set_case_version(0);
  *e.mutable_occurred_at() = events::ToProto(at);
  e.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  e.mutable_actor()->set_unit_code("sla");
  return e;
}

CaseScript& CaseScript::Located(const std::string& grid) {
  grid_ = grid;
  community_ = std::string(registry::ParentCode(grid));
  township_ = std::string(registry::ParentCode(community_));
  v1::Location* loc = events_.front().mutable_submitted()->mutable_initial()->mutable_location();
  loc->set_grid_code(grid_);
  loc->set_community_code(community_);
  loc->set_township_code(township_);
  loc->set_county_code(std::string(registry::ParentCode(township_)));
  return *this;
}

CaseScript& CaseScript::Resident(const std::string& name, const std::string& phone, const std::string& resident_id) {
  v1::Resident* r = events_.front().mutable_submitted()->mutable_initial()->mutable_resident();
  r->set_name(name);
  r->set_phone(phone);
  r->set_resident_id(resident_id);
  return *this;
}

CaseScript& CaseScript::Verify(absl::Time at, const std::string& grid, const std::string& item,
                               const std::string& person) {
  grid_ = grid;
  community_ = std::string(registry::ParentCode(grid));
  township_ = std::string(registry::ParentCode(community_));
  v1::CaseEvent& e = Next(at, v1::ROLE_GRID_WORKER, grid, person);
  v1::GridVerified* p = e.mutable_grid_verified();
  p->set_grid_code(grid_);
  p->set_community_code(community_);
  p->set_township_code(township_);
  p->set_catalogue_item(item);
  return *this;
}

CaseScript& CaseScript::MarkInvalid(absl::Time at, const std::string& grid, const std::string& person) {
  v1::CaseEvent& e = Next(at, v1::ROLE_GRID_WORKER, grid, person);
  e.mutable_grid_marked_invalid()->set_reason("不属于受理范围");
  return *this;
}

CaseScript& CaseScript::HandleLocally(absl::Time at) {
  Next(at, v1::ROLE_COMMUNITY, community_, "c-staff").mutable_community_handled_locally()->set_note("社区处理");
  return *this;
}

CaseScript& CaseScript::CommunityEscalate(absl::Time at) {
  v1::CommunityEscalated* p = Next(at, v1::ROLE_COMMUNITY, community_, "c-staff").mutable_community_escalated();
  p->set_township_code(township_);
  p->set_reason("需部门处置");
  return *this;
}

CaseScript& CaseScript::Dispatch(absl::Time at, const std::string& department) {
  department_ = department;
  Next(at, v1::ROLE_TOWNSHIP_DISPATCHER, township_, "t-dispatcher")
      .mutable_township_dispatched()
      ->set_department_code(department);
  return *this;
}

CaseScript& CaseScript::Accept(absl::Time at) {
  Next(at, v1::ROLE_DEPARTMENT_HANDLER, department_, "d-handler").mutable_department_accepted()->set_handler_id("h");
  return *this;
}

CaseScript& CaseScript::Transfer(absl::Time at, const std::string& to_department) {
  v1::DepartmentTransferred* p =
      Next(at, v1::ROLE_DEPARTMENT_HANDLER, department_, "d-handler").mutable_department_transferred();
  p->set_from_department_code(department_);
  p->set_to_department_code(to_department);
  p->set_reason("非本部门职责");
  department_ = to_department;
  return *this;
}

CaseScript& CaseScript::Resolve(absl::Time at, const std::string& reply) {
  Next(at, department_.empty() ? v1::ROLE_COMMUNITY : v1::ROLE_DEPARTMENT_HANDLER,
       department_.empty() ? community_ : department_, "handler")
      .mutable_resolved()
      ->set_reply(reply);
  return *this;
}

CaseScript& CaseScript::Rate(absl::Time at, v1::Satisfaction satisfaction, bool solved, const std::string& comment) {
  v1::ResidentRated* p = Next(at, v1::ROLE_SYSTEM, "feedback", "").mutable_resident_rated();
  p->set_satisfaction(satisfaction);
  p->set_problem_solved(solved);
  p->set_comment(comment);
  p->set_cycle(cycle_);
  return *this;
}

CaseScript& CaseScript::Reopen(absl::Time at) {
  ++cycle_;
  v1::CaseReopened* p = Next(at, v1::ROLE_SYSTEM, "feedback", "").mutable_reopened();
  p->set_department_code(department_);
  p->set_reason("群众不满意");
  p->set_cycle(cycle_);
  return *this;
}

CaseScript& CaseScript::Escalate(absl::Time at, v1::Level to, const std::string& unit) {
  v1::CaseEscalated* p = Next(at, v1::ROLE_SYSTEM, "feedback", "").mutable_escalated();
  p->set_to_level(to);
  p->set_to_unit_code(unit);
  p->set_reason("提级");
  return *this;
}

CaseScript& CaseScript::Close(absl::Time at, v1::CaseClosed::Reason reason) {
  Next(at, v1::ROLE_SYSTEM, "feedback", "").mutable_closed()->set_reason(reason);
  return *this;
}

CaseScript& CaseScript::SignOffDeadline(int64_t start_version, int cycle, absl::Time due, int64_t announced_by) {
  v1::CaseEvent& e = Advisory(absl::StrCat("sign_off.v", start_version, "/", cycle, "/deadline.v", announced_by), due);
  v1::DeadlineSet* p = e.mutable_deadline_set();
  p->set_clock(v1::CLOCK_KIND_SIGN_OFF);
  *p->mutable_due_at() = events::ToProto(due);
  p->set_cycle(cycle);
  return *this;
}

CaseScript& CaseScript::SignOffBreach(int64_t start_version, int cycle, absl::Time at) {
  v1::CaseEvent& e = Advisory(absl::StrCat("sign_off.v", start_version, "/", cycle, "/breach"), at);
  e.mutable_sla_breached()->set_clock(v1::CLOCK_KIND_SIGN_OFF);
  e.mutable_sla_breached()->set_cycle(cycle);
  return *this;
}

CaseScript& CaseScript::CompletionDeadline(int cycle, absl::Time due, int64_t announced_by) {
  v1::CaseEvent& e = Advisory(absl::StrCat("completion/", cycle, "/deadline.v", announced_by), due);
  v1::DeadlineSet* p = e.mutable_deadline_set();
  p->set_clock(v1::CLOCK_KIND_COMPLETION);
  *p->mutable_due_at() = events::ToProto(due);
  p->set_cycle(cycle);
  return *this;
}

CaseScript& CaseScript::CompletionBreach(int cycle, absl::Time at) {
  v1::CaseEvent& e = Advisory(absl::StrCat("completion/", cycle, "/breach"), at);
  e.mutable_sla_breached()->set_clock(v1::CLOCK_KIND_COMPLETION);
  e.mutable_sla_breached()->set_cycle(cycle);
  return *this;
}

}  // namespace gridcase::feedback::testing
