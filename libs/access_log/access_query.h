#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
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

// The access log is written at least once (a record retried after a broker error can be on the topic twice, with
// its record_id): a reader shows each record_id once.
class SeenRecords {
 public:
  // True the first time `record`'s id is seen (a record without an id is always new).
  bool FirstTime(const v1::AccessRecord& record);

 private:
  absl::flat_hash_set<std::string> ids_;
};

// One line per record: time, who (subject, role, unit), what (method, command, cases), outcome, unmasked, request
// id and peer.
void PrintRecord(const v1::AccessRecord& record, std::ostream& out);

}  // namespace gridcase::access_log
