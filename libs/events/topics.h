#pragma once

#include <string>
#include <vector>

#include "gridcase/v1/event.pb.h"

namespace gridcase::events {

// The stage topics of the chain, each carrying CaseEvent envelopes keyed by case id, and their dead-letter topics
// ("<topic>.dlt"); how they are created is in topic_specs.h. `prefix` is prepended to every name (empty in
// production; unique per test run).
class Topics {
 public:
  explicit Topics(std::string prefix = "") : prefix_(std::move(prefix)) {}

  std::string intake() const { return prefix_ + "gridcase.intake.v1"; }              // submitted, co-requesters
  std::string verification() const { return prefix_ + "gridcase.verification.v1"; }  // 网格核单
  std::string community() const { return prefix_ + "gridcase.community.v1"; }        // 村/社区下单
  std::string township() const { return prefix_ + "gridcase.township.v1"; }          // 乡镇/街道派单
  std::string department() const { return prefix_ + "gridcase.department.v1"; }      // 部门接单
  std::string feedback() const { return prefix_ + "gridcase.feedback.v1"; }          // 群众评单, reopen, close
  std::string sla() const { return prefix_ + "gridcase.sla.v1"; }                    // deadlines, warnings, 提级
  std::string audit() const { return prefix_ + "gridcase.audit.v1"; }  // access records (安全审计), kept forever

  // Every topic that carries case events, in chain order.
  std::vector<std::string> CaseTopics() const;
  // The topic an event belongs on, by its payload.
  std::string ForEvent(const v1::CaseEvent& event) const;

 private:
  std::string prefix_;
};

}  // namespace gridcase::events
