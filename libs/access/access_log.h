#pragma once

#include "gridcase/v1/access.pb.h"

namespace gridcase::access {

// Where the record of every call goes (the audit topic, gridcase.audit.v1). Record never blocks the call on the
// write; a record that cannot be written is counted and logged by the implementation.
class AccessLog {
 public:
  virtual ~AccessLog() = default;
  virtual void Record(v1::AccessRecord record) = 0;
};

}  // namespace gridcase::access
