#include "libs/access_log/access_query.h"

#include <sstream>

#include "gtest/gtest.h"

namespace gridcase::access_log {
namespace {

v1::AccessRecord Record(const std::string& subject, const std::string& case_id, int64_t at, bool unmasked) {
  v1::AccessRecord r;
  r.set_subject(subject);
  r.set_role(v1::ROLE_TOWNSHIP_DISPATCHER);
  r.set_unit("330199001");
  r.set_method("/gridcase.v1.DispatchService/ExecuteCommand");
  r.set_command("TownshipDispatch");
  if (!case_id.empty()) r.add_case_ids(case_id);
  r.mutable_at()->set_seconds(at);
  r.set_outcome("PERMISSION_DENIED");
  r.set_reason("outside scope");
  r.set_unmasked(unmasked);
  r.set_request_id("req-1");
  r.set_peer("ipv4:127.0.0.1:5000");
  return r;
}

TEST(AccessQueryTest, SelectsByCaseSubjectTimeAndUnmasked) {
  v1::AccessRecord r = Record("p0012", "GC-20261130-000001", 1800000000, true);
  EXPECT_TRUE(Matches({.case_id = "GC-20261130-000001"}, r));
  EXPECT_FALSE(Matches({.case_id = "GC-20261130-000002"}, r));
  EXPECT_TRUE(Matches({.subject = "p0012"}, r));
  EXPECT_FALSE(Matches({.subject = "p0013"}, r));
  EXPECT_TRUE(Matches({.subject = "p0012", .since = absl::FromUnixSeconds(1800000000)}, r));
  EXPECT_FALSE(Matches({.subject = "p0012", .since = absl::FromUnixSeconds(1800000001)}, r));
  EXPECT_TRUE(Matches({.subject = "p0012", .unmasked_only = true}, r));
  EXPECT_FALSE(Matches({.subject = "p0012", .unmasked_only = true}, Record("p0012", "", 1800000000, false)));
}

TEST(AccessQueryTest, PrintsOneLineWithWhoWhatWhenAndOutcome) {
  std::ostringstream out;
  PrintRecord(Record("p0012", "GC-20261130-000001", 1800000000, false), out);
  EXPECT_EQ(out.str(),
            "2027-01-15T08:00:00.000Z p0012 ROLE_TOWNSHIP_DISPATCHER 330199001 "
            "/gridcase.v1.DispatchService/ExecuteCommand TownshipDispatch cases=GC-20261130-000001 PERMISSION_DENIED "
            "request_id=req-1 peer=ipv4:127.0.0.1:5000 reason=\"outside scope\"\n");
}

TEST(AccessQueryTest, ARecordWrittenTwiceIsShownOnce) {
  v1::AccessRecord first = Record("p0012", "GC-20261130-000001", 1800000000, false);
  first.set_record_id("dispatch/1800000000/7");
  v1::AccessRecord other = first;
  other.set_record_id("dispatch/1800000000/8");
  SeenRecords seen;
  EXPECT_TRUE(seen.FirstTime(first));
  EXPECT_TRUE(seen.FirstTime(other));
  EXPECT_FALSE(seen.FirstTime(first)) << "the retried copy of a record";
  v1::AccessRecord without_id = Record("p0012", "", 1800000000, false);
  without_id.clear_record_id();
  EXPECT_TRUE(seen.FirstTime(without_id));
  EXPECT_TRUE(seen.FirstTime(without_id));
}

}  // namespace
}  // namespace gridcase::access_log
