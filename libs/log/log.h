#pragma once

#include "absl/strings/string_view.h"
#include <string>

#include "spdlog/spdlog.h"

namespace gridcase::log {

// Sets up the process-wide logger: one logfmt line per event on stderr, e.g.
//   ts=2026-11-23T10:00:00.123Z level=info service=intake msg=case_submitted case_id=GC-20261123-000001
// Call once from main before any thread starts. `level` is one of trace, debug, info, warn, error.
void Init(absl::string_view service, absl::string_view level = "info");

// A resident's phone number as logs and public lists show it: 138****5678. Never log a phone in clear.
std::string MaskPhone(absl::string_view phone);

// Quotes a free-text value for a logfmt field when it contains spaces, quotes or '='.
std::string Quote(absl::string_view value);

}  // namespace gridcase::log
