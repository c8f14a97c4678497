// A poison event parks one case, not a partition: the real dispatch binary on the real broker and redis-server. A
// record of case X that cannot be read lands on the intake topic between good events; dispatch keeps projecting
// the other cases, keeps X's later events parked (in its intake group, and in its verification group where X's next
// version waits for the parked one), lists X through gridcase-parked, keeps it parked across a crash, and applies X's
// events once an operator skips the unreadable record.
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/topic_specs.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_admin.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kTownship;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

class ParkingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_ = std::make_unique<testing::ServiceFleet>("parking");
    topics_ = events::Topics(fleet_->prefix());
    // One partition per topic: the parked case and the cases that must keep flowing share it.
    ASSERT_TRUE(kafka::EnsureTopics(testing::TestInfra().kafka_brokers,
                                    events::TopicSpecs(topics_, 1, {.factor = 1, .min_insync = 1}))
                    .ok());
    auto producer = kafka::Producer::Create({.brokers = testing::TestInfra().kafka_brokers});
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
    publisher_ = std::make_unique<events::KafkaEventPublisher>(producer_.get(), topics_);
    StartDispatch();
  }

  // Starts dispatch; with `crash_at` it kills itself at that crash point (libs/faults).
  void StartDispatch(const std::string& crash_at = "") {
    if (!crash_at.empty()) setenv("GRIDCASE_CRASH_AT", crash_at.c_str(), 1);
    absl::Status started = fleet_->Start("dispatch", {"--parking_gap_patience=2s", "--parking_poll=200ms"});
    unsetenv("GRIDCASE_CRASH_AT");
    ASSERT_TRUE(started.ok()) << started;
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  }

  // Event `version` of case `id` with the payload in text format.
  void Publish(const std::string& id, int64_t version, const std::string& payload) {
    v1::CaseEvent event;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(payload, &event)) << payload;
    event.set_event_id(absl::StrCat(id, "/", version));
    event.set_case_id(id);
    event.set_case_version(version);
    event.mutable_occurred_at()->set_seconds(1'790'000'000 + version);
    event.mutable_actor()->set_role(v1::ROLE_SYSTEM);
    ASSERT_TRUE(publisher_->Publish(event).ok());
  }

  void Submit(const std::string& id) {
    Publish(id, 1, absl::StrCat(R"pb(submitted { initial {
      id: ")pb", id, R"pb(" channel: CHANNEL_HOTLINE_12345 resident { name: "王女士" phone: "13912345678" }
      text: "幸福里小区3号楼东侧井盖丢失" catalogue_item: "municipal.manhole-cover" category: CATEGORY_SIMPLE
      location { grid_code: ")pb", kGrid, R"pb(" community_code: ")pb", kCommunity, R"pb(" township_code: ")pb",
      kTownship, R"pb(" county_code: "330199" } created_at { seconds: 1790000000 } } })pb"));
  }

  void AddCoRequester(const std::string& id, int64_t version) {
    Publish(id, version, R"pb(co_requester_added { resident { name: "李先生" phone: "13812345678" }
                                                  request_ref: "12345-x" text: "井盖还没补上" })pb");
  }

  void VerifyGrid(const std::string& id, int64_t version) {
    Publish(id, version, absl::StrCat("grid_verified { grid_code: '", kGrid, "' community_code: '", kCommunity,
                                      "' township_code: '", kTownship, "' }"));
  }

  int64_t Version(const std::string& id) { return testing::DispatchedCase(*dispatch_, id).version(); }

  CommandResult Parked(const std::string& args) {
    const testing::Infra& infra = testing::TestInfra();
    std::string command = absl::StrCat(testing::BinaryPath("libs/parking/gridcase-parked"), " ", args,
                                       " --redis_addr=", infra.redis_addr, " --redis_prefix=", fleet_->prefix(),
                                       " 2>&1");
    FILE* pipe = popen(command.c_str(), "r");
    CommandResult result;
    char buffer[512];
    while (fgets(buffer, sizeof(buffer), pipe) != nullptr) result.output += buffer;
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

  std::string Group(const std::string& stage) { return fleet_->prefix() + "gridcase-dispatch-" + stage; }

  // Waits until dispatch died at its crash point, then starts it again (crashing at `next_crash_at`, if given).
  void AwaitCrashAndRestart(const std::string& next_crash_at = "") {
    ASSERT_TRUE(testing::WaitFor([&] { return fleet_->Metric("dispatch", "gridcase_kafka") < 0; }, absl::Seconds(30)))
        << "dispatch did not reach its crash point";
    fleet_->Kill("dispatch");
    StartDispatch(next_crash_at);
  }
  // Copies of records of `case_id` on `topic`.
  int Copies(const std::string& topic, const std::string& case_id) {
    int copies = 0;
    EXPECT_TRUE(kafka::ReadTopics(testing::TestInfra().kafka_brokers, {topic}, [&](const kafka::Message& m) {
                  if (m.key == case_id) ++copies;
                  return absl::OkStatus();
                }).ok());
    return copies;
  }
  std::vector<int64_t> TimelineVersions(const std::string& id) {
    grpc::ClientContext context;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(id);
    v1::CaseTimeline timeline;
    EXPECT_TRUE(dispatch_->GetCaseTimeline(&context, request, &timeline).ok());
    std::vector<int64_t> versions;
    for (const v1::CaseEvent& event : timeline.events()) versions.push_back(event.case_version());
    return versions;
  }

  std::unique_ptr<testing::ServiceFleet> fleet_;
  events::Topics topics_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<events::KafkaEventPublisher> publisher_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
};

TEST_F(ParkingE2eTest, PoisonEventParksOneCaseWhileDispatchProjectsTheOthers) {
  const std::string x = testing::UniqueName("GC-X");
  const std::string y = testing::UniqueName("GC-Y");
  Submit(x);
  Submit(y);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(x) == 1 && Version(y) == 1; }, absl::Seconds(60)));

  // An unreadable record of X on the intake topic, then good events of X and Y behind it on the same partition.
  ASSERT_TRUE(producer_->Produce(topics_.intake(), x, "not a case event").ok());
  AddCoRequester(x, 2);
  AddCoRequester(y, 2);
  // The next versions on the verification topic: X's waits for its parked version 2, Y's must not stall behind it.
  VerifyGrid(x, 3);
  VerifyGrid(y, 3);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(y) == 3; }, absl::Seconds(30)))
      << "case " << y << " stalled behind the parked case; at version " << Version(y);
  EXPECT_EQ(Version(x), 1) << "X's events were applied over the unreadable record";

  // Both groups list X: held behind the dead-lettered record, and waiting for its version 2 once the gap patience
  // (2 s) has passed — Y's records, handled beside X's in the same batches, may be done before that.
  CommandResult list;
  EXPECT_TRUE(testing::WaitFor([&] {
    list = Parked("list");
    return list.output.find(absl::StrCat(Group("intake"), "\t", x, "\theld\t2\t")) != std::string::npos &&
           list.output.find(absl::StrCat(Group("verification"), "\t", x, "\twaiting\t1\t")) != std::string::npos;
  })) << list.output;
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output.find(y), std::string::npos) << list.output;
  EXPECT_TRUE(testing::WaitFor([&] {
    return fleet_->Metric("dispatch", absl::StrCat("gridcase_kafka_parked_cases{group=\"", Group("intake"), "\"")) == 1;
  }));
  EXPECT_EQ(fleet_->Metric("dispatch",
                           absl::StrCat("gridcase_kafka_records_parked_total{group=\"", Group("intake"), "\"")),
            2);

  // A crash does not unpark X: a later event of X is parked too, Y's next one is projected.
  fleet_->Kill("dispatch");
  StartDispatch();
  AddCoRequester(y, 4);
  AddCoRequester(x, 4);
  AddCoRequester(y, 5);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(y) == 5; }, absl::Seconds(60)));
  EXPECT_EQ(Version(x), 1);
  list = Parked(absl::StrCat("list --group=", Group("intake")));
  EXPECT_NE(list.output.find(absl::StrCat(x, "\theld\t3\t")), std::string::npos) << list.output;

  // Releasing without a fix replays the unreadable record first: it fails again and X stays parked.
  CommandResult release = Parked(absl::StrCat("release --group=", Group("intake"), " --case=", x, " --wait=30s"));
  EXPECT_EQ(release.exit_code, 3) << release.output;
  EXPECT_NE(release.output.find("still parked (held, 3 records)"), std::string::npos) << release.output;
  EXPECT_EQ(Version(x), 1);

  // Skipping it (it stays on the dead-letter topic) applies X's parked events in order; the waiting version 3 in
  // the verification group then applies by itself.
  CommandResult skip = Parked(absl::StrCat("skip --group=", Group("intake"), " --case=", x, " --wait=30s"));
  EXPECT_EQ(skip.exit_code, 0) << skip.output;
  ASSERT_TRUE(testing::WaitFor([&] { return Version(x) == 4; }, absl::Seconds(30))) << Version(x);
  v1::Case after = testing::DispatchedCase(*dispatch_, x);
  EXPECT_EQ(after.co_requesters_size(), 2);
  EXPECT_EQ(after.location().grid_code(), kGrid);
  ASSERT_TRUE(testing::WaitFor([&] { return Parked("list").output.find(x) == std::string::npos; }))
      << Parked("list").output;
}

// An event that decodes but can never apply (version 2 of X lacks its community), followed on the same partition by
// X's version 3 and Y's version 2: X's version 3 is parked behind the dead-lettered event instead of retrying a
// version gap for ever, and Y is projected.
TEST_F(ParkingE2eTest, EventThatCannotApplyDoesNotStallThePartitionOnTheVersionGapBehindIt) {
  const std::string x = testing::UniqueName("GC-X");
  const std::string y = testing::UniqueName("GC-Y");
  Submit(x);
  Submit(y);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(x) == 1 && Version(y) == 1; }, absl::Seconds(60)));
  Publish(x, 2, absl::StrCat("grid_verified { grid_code: '", kGrid, "' township_code: '", kTownship, "' }"));
  Publish(x, 3, "grid_marked_invalid { reason: 'prank call' }");
  VerifyGrid(y, 2);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(y) == 2; }, absl::Seconds(30)))
      << "case " << y << " stalled behind case " << x << "'s version gap";
  EXPECT_EQ(Version(x), 1);
  // Y's version 2 may apply in the same batch, before X's records are parked.
  CommandResult list;
  EXPECT_TRUE(testing::WaitFor([&] {
    list = Parked(absl::StrCat("list --group=", Group("verification")));
    return list.output.find(absl::StrCat(x, "\theld\t2\t")) != std::string::npos;
  })) << list.output;
  EXPECT_NE(list.output.find("community_code"), std::string::npos) << list.output;
}

// SLA and feedback consume every case topic in a group each: the unreadable record parks X there too, and only X.
TEST_F(ParkingE2eTest, SlaAndFeedbackParkTheCaseInTheirGroups) {
  ASSERT_TRUE(fleet_->Start("sla", {"--parking_poll=200ms"}).ok());
  ASSERT_TRUE(fleet_->Start("feedback", {absl::StrCat("--dispatch_addr=127.0.0.1:", fleet_->grpc_port("dispatch")),
                                         "--registry=" + testing::SourcePath("data/registry/sample-county.json"),
                                         "--parking_poll=200ms"})
                  .ok());
  const std::string x = testing::UniqueName("GC-X");
  const std::string y = testing::UniqueName("GC-Y");
  Submit(x);
  Submit(y);
  ASSERT_TRUE(producer_->Produce(topics_.intake(), x, "not a case event").ok());
  AddCoRequester(x, 2);
  AddCoRequester(y, 2);
  for (std::string service : {"sla", "feedback"}) {
    std::string group = absl::StrCat(fleet_->prefix(), "gridcase-", service);
    EXPECT_TRUE(testing::WaitFor([&] {
      // X's SLA events (deadlines, warnings for its long-past submission) on the SLA topic are parked behind it too.
      return Parked(absl::StrCat("list --group=", group)).output.find(absl::StrCat(x, "\theld\t")) !=
             std::string::npos;
    })) << service << ":\n" << Parked("list").output;
    EXPECT_TRUE(testing::WaitFor([&] {
      return fleet_->Metric(service, absl::StrCat("gridcase_kafka_parked_cases{group=\"", group, "\"")) == 1;
    })) << service;
  }
  EXPECT_EQ(Parked("list").output.find(y), std::string::npos) << Parked("list").output;
}

// dispatch killed at the worst moments: after the dead-letter copy and before the case is parked; after parking and
// before the offset is stored; after a replayed event applied and before it left the parked records. The case ends
// parked with each record once, and a release interrupted by a crash resumes and applies every event once.
TEST_F(ParkingE2eTest, CrashesAtTheWorstMomentsKeepTheCaseParkedAndApplyItsEventsOnce) {
  const std::string x = testing::UniqueName("GC-X");
  const std::string y = testing::UniqueName("GC-Y");
  Submit(x);
  Submit(y);
  ASSERT_TRUE(testing::WaitFor([&] { return Version(x) == 1 && Version(y) == 1; }, absl::Seconds(60)));

  fleet_->Stop("dispatch");
  StartDispatch("kafka.consumer.dead_lettered");
  ASSERT_TRUE(producer_->Produce(topics_.intake(), x, "not a case event").ok());
  AddCoRequester(x, 2);
  AddCoRequester(y, 2);
  // The unreadable record comes again: copied to the dead-letter topic again, then its case parked — and here the
  // process dies again, before the offset is stored.
  AwaitCrashAndRestart("kafka.consumer.case_parked");
  AwaitCrashAndRestart();
  ASSERT_TRUE(testing::WaitFor([&] { return Version(y) == 2; }, absl::Seconds(60)));
  EXPECT_EQ(Version(x), 1);
  // Y's version 2 may apply in a batch before X's records are parked again by the restarted process.
  CommandResult list;
  EXPECT_TRUE(testing::WaitFor([&] {
    list = Parked(absl::StrCat("list --group=", Group("intake")));
    return list.output.find(absl::StrCat(x, "\theld\t2\t")) != std::string::npos;
  })) << "the redelivered record was parked twice, or X's version 2 was applied:\n" << list.output;
  EXPECT_EQ(Copies(topics_.intake() + ".dlt", x), 2) << "one copy per delivery that reached the dead-letter step";

  // The release applies the first event, then dispatch dies before removing it; after the restart the release
  // resumes from that event, which the projector sees as a duplicate.
  fleet_->Stop("dispatch");
  StartDispatch("kafka.consumer.parked_record_applied");
  CommandResult skip = Parked(absl::StrCat("skip --group=", Group("intake"), " --case=", x));
  ASSERT_EQ(skip.exit_code, 0) << skip.output;
  AwaitCrashAndRestart();
  // The dead process's claim on the case lapses after its lease (30 s); then the new one resumes the skip.
  ASSERT_TRUE(testing::WaitFor([&] { return Parked("list").output.find(x) == std::string::npos; }, absl::Seconds(90)))
      << Parked("list").output;
  EXPECT_EQ(Version(x), 2);
  EXPECT_EQ(TimelineVersions(x), (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace gridcase
