#pragma once

#include "google/protobuf/stubs/logging.h"

namespace gridcase::fuzz {

// Silences protobuf's log lines about rejected input (e.g. "invalid UTF-8"), which would otherwise be written for
// most fuzz inputs; what is rejected is checked through return values.
inline void QuietProtobuf() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace gridcase::fuzz
