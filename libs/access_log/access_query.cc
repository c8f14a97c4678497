#include "libs/access_log/access_query.h"

#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace gridcase::access_log {
namespace {

absl::Time TimeOf(const v1::AccessRecord& record) {
  return absl::FromUnixSeconds(record.at().seconds()) + absl::Nanoseconds(record.at().nanos());
}

}  // namespace

bool Matches(const AccessQuery& query, const v1::AccessRecord& record) {
  if (!query.case_id.empty()) {
    bool named = false;
    for (const std::string& id : record.case_ids()) named = named || id == query.case_id;
    if (!named) return false;
  }
  if (!query.subject.empty() && record.subject() != query.subject) return false;
  if (query.since.has_value() && TimeOf(record) < *query.since) return false;
  if (query.unmasked_only && !record.unmasked()) return false;
  return true;
}

bool SeenRecords::FirstTime(const v1::AccessRecord& record) {
  return record.record_id().empty() || ids_.insert(record.record_id()).second;
}

void PrintRecord(const v1::AccessRecord& record, std::ostream& out) {
  out << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", TimeOf(record), absl::UTCTimeZone()) << ' '
      << (record.subject().empty() ? "(unauthenticated)" : record.subject()) << ' ' << v1::Role_Name(record.role())
      << (record.unit().empty() ? "" : " " + record.unit()) << ' ' << record.method();
  if (!record.command().empty()) out << ' ' << record.command();
  if (!record.case_ids().empty()) out << " cases=" << absl::StrJoin(record.case_ids(), ",");
  out << ' ' << record.outcome();
  if (record.unmasked()) out << " unmasked";
  if (!record.request_id().empty()) out << " request_id=" << record.request_id();
  if (!record.peer().empty()) out << " peer=" << record.peer();
  if (!record.reason().empty()) out << " reason=\"" << record.reason() << '"';
  out << '\n';
}

}  // namespace gridcase::access_log
