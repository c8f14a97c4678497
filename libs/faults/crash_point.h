#pragma once

#include "absl/strings/string_view.h"

namespace gridcase::faults {

// Named crash points for fault tests: places where a process dying is the worst moment (after a publish, before its
// acknowledgement is recorded…). A process started with GRIDCASE_CRASH_AT=<name> dies by SIGKILL the first time it
// reaches CrashPoint(<name>); GRIDCASE_CRASH_AT=<name>:<n> on the n-th time. Several points may be given, separated by
// commas. Without the variable a crash point costs one relaxed atomic load.
void CrashPoint(absl::string_view name);

}  // namespace gridcase::faults
