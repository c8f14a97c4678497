#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/feedback.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/sla.pb.h"
#include "tools/gridctl/core/table.h"

namespace gridcase::gridctl {

// How gridctl shows the services' answers: one line of JSON for scripts (proto field names, enums by full name,
// RFC 3339 times), tables for people (times in `zone`, enums by short name, durations as "2d 3h").

std::string ToJson(const google::protobuf::Message& message);

// "2026-11-23 09:15:00" in `zone`; "-" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& at, absl::TimeZone zone);
// "2d 3h", "3h 5m", "4m 10s", "12s"; negative durations get a leading "-".
std::string FormatSpan(absl::Duration duration);

// The name of the event's payload ("township_dispatched"), "" when none is set.
std::string EventKind(const v1::CaseEvent& event);
// The payload's fields on one line ("department_code: \"330199.zfj\" by_catalogue: true").
std::string EventDetail(const v1::CaseEvent& event);

std::vector<std::pair<std::string, std::string>> CaseFields(const v1::Case& c, absl::Time now, absl::TimeZone zone);
std::vector<std::pair<std::string, std::string>> SubmitFields(const v1::SubmitCaseResponse& response,
                                                              absl::TimeZone zone);
Table TimelineTable(const std::vector<v1::CaseEvent>& events, absl::TimeZone zone);
// Cases of a work queue: earliest deadline first as the service sends them; "left" is due_at - now.
Table QueueTable(const std::vector<v1::Case>& cases, absl::Time now, absl::TimeZone zone);
Table OverdueTable(const std::vector<v1::OverdueClock>& clocks, absl::TimeZone zone);
// One line for a live alert: "09:15:00  breach  GC-…  completion  holder 330199001001  title".
std::string AlertLine(const v1::SlaAlert& alert, absl::TimeZone zone);
// The report's header figures and its units ranked.
std::string ReportText(const v1::Report& report);
// A rate in [0, 1] as "87.5%", "-" when absent.
std::string Rate(bool has, double rate);

}  // namespace gridcase::gridctl
