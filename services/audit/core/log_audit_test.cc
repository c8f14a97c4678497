#include "services/audit/core/log_audit.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::audit {
namespace {

// Hand-made log: each helper returns the serialised record of one event.
std::string Event(const std::string& case_id, int64_t version, const std::string& payload,
                  const std::string& note = "") {
  v1::CaseEvent event;
  event.set_case_id(case_id);
  event.set_case_version(version);
  event.set_event_id(absl::StrCat(case_id, "/", version));
  if (payload == "submitted") {
    event.mutable_submitted()->mutable_initial()->set_id(case_id);
  } else if (payload == "grid_verified") {
    event.mutable_grid_verified()->set_note(note);
  } else if (payload == "resolved") {
    event.mutable_resolved()->set_reply(note);
  } else if (payload == "closed") {
    event.mutable_closed()->set_note(note);
  }
  return event.SerializeAsString();
}

std::string Alarm(const std::string& case_id, const std::string& which, int cycle = 1) {
  v1::CaseEvent event;
  event.set_case_id(case_id);
  event.set_event_id(absl::StrCat(case_id, "/sla/completion/", cycle, "/", which));
  if (which == "breach") {
    event.mutable_sla_breached()->set_cycle(cycle);
  } else {
    event.mutable_sla_warned()->set_percent(50);
  }
  return event.SerializeAsString();
}

std::string DeadlineSet(const std::string& case_id) {
  v1::CaseEvent event;
  event.set_case_id(case_id);
  event.set_event_id(case_id + "/sla/completion/1/due");
  event.mutable_deadline_set()->set_cycle(1);
  return event.SerializeAsString();
}

class LogAuditTest : public ::testing::Test {
 protected:
  void Add(const std::string& topic, const std::string& value, int32_t partition = 0) {
    audit_.AddRecord({.topic = topic, .partition = partition, .offset = offsets_[{topic, partition}]++}, value);
  }
  // A clean three-version case on its stage topics.
  void CleanCase(const std::string& id) {
    Add("intake", Event(id, 1, "submitted"));
    Add("verification", Event(id, 2, "grid_verified"));
    Add("department", Event(id, 3, "resolved"));
  }

  LogAudit audit_;
  std::map<std::pair<std::string, int32_t>, int64_t> offsets_;
};

TEST_F(LogAuditTest, ACleanLogHasNoFindings) {
  CleanCase("GC-20261123-000001");
  CleanCase("GC-20261123-000002");
  Add("sla", DeadlineSet("GC-20261123-000001"));
  Add("sla", Alarm("GC-20261123-000001", "warn50"));
  LogFindings f = audit_.Finish();
  EXPECT_EQ(f.records, 8);
  EXPECT_EQ(f.versioned_records, 6);
  EXPECT_EQ(f.advisory_records, 2);
  EXPECT_EQ(f.versions, 6);
  EXPECT_EQ(f.alarms, 1);
  EXPECT_EQ(f.max_versions.at("GC-20261123-000001"), 3);
  EXPECT_TRUE(f.forks.empty());
  EXPECT_TRUE(f.gaps.empty());
  EXPECT_TRUE(f.bad_starts.empty());
  EXPECT_TRUE(f.duplicate_submissions.empty());
  EXPECT_TRUE(f.alarm_duplicates.empty());
  EXPECT_TRUE(f.poison.empty());
  EXPECT_EQ(f.duplicate_copies, 0);
}

TEST_F(LogAuditTest, TwoDifferentEventsForOneVersionAreAForkNamingBoth) {
  CleanCase("GC-1");
  // Two handlers acted on version 3 and both got published: resolved on one topic, closed on another.
  Add("feedback", Event("GC-1", 3, "closed", "administrative"));
  LogFindings f = audit_.Finish();
  ASSERT_EQ(f.forks.size(), 1u);
  EXPECT_EQ(f.forks[0].case_id, "GC-1");
  EXPECT_EQ(f.forks[0].version, 3);
  ASSERT_EQ(f.forks[0].variants.size(), 2u);
  std::set<std::string> types{f.forks[0].variants[0].type, f.forks[0].variants[1].type};
  EXPECT_EQ(types, (std::set<std::string>{"resolved", "closed"}));
  EXPECT_EQ(f.duplicate_copies, 0);
  EXPECT_EQ(f.versions, 3);
}

TEST_F(LogAuditTest, SameTypeDifferentBytesIsStillAFork) {
  CleanCase("GC-1");
  Add("department", Event("GC-1", 3, "resolved", "a different reply"));
  EXPECT_EQ(audit_.Finish().forks.size(), 1u);
}

TEST_F(LogAuditTest, AnIdenticalCopyIsToleratedAndCounted) {
  CleanCase("GC-1");
  // A retry after a crash wrote version 2 again, byte for byte (same event id), even on another partition.
  Add("verification", Event("GC-1", 2, "grid_verified"), 1);
  Add("verification", Event("GC-1", 2, "grid_verified"), 1);
  LogFindings f = audit_.Finish();
  EXPECT_TRUE(f.forks.empty());
  EXPECT_EQ(f.duplicate_copies, 2);
  EXPECT_EQ(f.versions, 3);
}

TEST_F(LogAuditTest, MissingVersionsAreGaps) {
  Add("intake", Event("GC-1", 1, "submitted"));
  Add("department", Event("GC-1", 4, "resolved"));
  Add("department", Event("GC-2", 2, "resolved"));  // GC-2 never submitted.
  LogFindings f = audit_.Finish();
  ASSERT_EQ(f.gaps.size(), 2u);
  EXPECT_EQ(f.gaps[0].case_id, "GC-1");
  EXPECT_EQ(f.gaps[0].missing, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(f.gaps[0].max_version, 4);
  EXPECT_EQ(f.gaps[1].missing, (std::vector<int64_t>{1}));
}

TEST_F(LogAuditTest, VersionOneMustBeSubmitted) {
  Add("verification", Event("GC-1", 1, "grid_verified"));
  LogFindings f = audit_.Finish();
  ASSERT_EQ(f.bad_starts.size(), 1u);
  EXPECT_NE(f.bad_starts[0].problem.find("version 1 is grid_verified"), std::string::npos) << f.bad_starts[0].problem;
}

TEST_F(LogAuditTest, ASecondDifferentSubmissionForOneIdIsReported) {
  CleanCase("GC-1");
  // Intake gave the same id to another request: a second submitted, here even at a later version.
  v1::CaseEvent other;
  other.set_case_id("GC-1");
  other.set_case_version(4);
  other.set_event_id("GC-1/4");
  other.mutable_submitted()->mutable_initial()->set_text("another request");
  Add("intake", other.SerializeAsString());
  LogFindings f = audit_.Finish();
  ASSERT_EQ(f.duplicate_submissions.size(), 1u);
  EXPECT_EQ(f.duplicate_submissions[0].submissions.size(), 2u);
  ASSERT_EQ(f.bad_starts.size(), 1u);
  EXPECT_NE(f.bad_starts[0].problem.find("claims version 4"), std::string::npos);
}

TEST_F(LogAuditTest, AForkedSubmissionIsBothAForkAndADuplicateSubmission) {
  Add("intake", Event("GC-1", 1, "submitted"));
  v1::CaseEvent other;
  other.set_case_id("GC-1");
  other.set_case_version(1);
  other.set_event_id("GC-1/1");
  other.mutable_submitted()->mutable_initial()->set_text("another request");
  Add("intake", other.SerializeAsString(), 2);
  LogFindings f = audit_.Finish();
  EXPECT_EQ(f.forks.size(), 1u);
  EXPECT_EQ(f.duplicate_submissions.size(), 1u);
}

TEST_F(LogAuditTest, AnAlarmWrittenTwiceIsADuplicateEvenWhenIdentical) {
  CleanCase("GC-1");
  Add("sla", Alarm("GC-1", "warn50"));
  Add("sla", Alarm("GC-1", "breach"));
  Add("sla", Alarm("GC-1", "warn50"));
  Add("sla", Alarm("GC-1", "warn50", 2));  // The next cycle's warning is another alarm.
  LogFindings f = audit_.Finish();
  EXPECT_EQ(f.alarms, 3);
  ASSERT_EQ(f.alarm_duplicates.size(), 1u);
  EXPECT_EQ(f.alarm_duplicates[0].event_id, "GC-1/sla/completion/1/warn50");
  EXPECT_EQ(f.alarm_duplicates[0].records.size(), 2u);
  EXPECT_EQ(f.duplicate_copies, 0);  // Advisory records are not case versions.
}

TEST_F(LogAuditTest, PoisonIsListedWithItsPositionAndWhetherItWasDeadLettered) {
  CleanCase("GC-1");
  Add("department", "not a case event");
  v1::CaseEvent no_id;
  no_id.mutable_resolved();
  Add("department", no_id.SerializeAsString());
  audit_.AddDeadLetter({.topic = "department", .partition = 0, .offset = 1});
  audit_.AddDeadLetter({});  // A dead letter without source headers still counts.
  LogFindings f = audit_.Finish();
  ASSERT_EQ(f.poison.size(), 2u);
  EXPECT_EQ(ToString(f.poison[0].at), "department[0]@1");
  EXPECT_TRUE(f.poison[0].dead_lettered);
  EXPECT_EQ(ToString(f.poison[1].at), "department[0]@2");
  EXPECT_FALSE(f.poison[1].dead_lettered);
  EXPECT_EQ(f.dead_letter_records, 2);
  EXPECT_EQ(f.records, 5);
  EXPECT_TRUE(f.forks.empty());
}

}  // namespace
}  // namespace gridcase::audit
