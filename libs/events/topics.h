#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gridcase/v1/event.pb.h"
#include "libs/kafka/topic_admin.h"

namespace gridcase::events {

// The stage topics of the chain, each carrying CaseEvent envelopes keyed by case id, and their dead-letter topics
// ("<topic>.dlt"). `prefix` is prepended to every name (empty in production; unique per test run).
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
  // Every topic and dead-letter topic, and the audit topic, for EnsureTopics at start-up. The case topics are the source of truth and
  // their dead-letter topics the evidence of what could not apply, so all are kept forever (retention.ms and
  // retention.bytes -1, LogConfigs) with the given replication.
  std::vector<kafka::TopicSpec> Specs(int partitions, kafka::Replication replication) const;

  // A derived, advisory topic (e.g. feedback's hot-spot alerts): nothing is rebuilt from it, so it keeps
  // kAdvisoryRetention of records; replicated like the log.
  static kafka::TopicSpec AdvisorySpec(std::string name, int partitions, kafka::Replication replication);

  // Settings of a topic that is never deleted from: unlimited time and size, and the in-sync replicas an acks=all
  // write needs.
  static std::map<std::string, std::string> LogConfigs(kafka::Replication replication);
  static constexpr absl::Duration kAdvisoryRetention = absl::Hours(24 * 7);

 private:
  std::string prefix_;
};

}  // namespace gridcase::events
