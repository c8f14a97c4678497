#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gridcase/v1/access.pb.h"

namespace gridcase::access_log {

// Which access records to show: "who saw or changed case X", or everything one person did.
struct AccessQuery {
  std::string case_id;   // Records naming this case.
  std::string subject;   // Records of this person or service.
  std::optional<absl::Time> since;
  bool unmasked_only = false;  // Only reads that returned resident data unmasked.
};

bool Matches(const AccessQuery& query, const v1::AccessRecord& record);

// One line per record: time, who (subject, role, unit), what (method, command, cases), outcome, unmasked, request
// id and peer.
void PrintRecord(const v1::AccessRecord& record, std::ostream& out);

}  // namespace gridcase::access_log
